// Over 400 lines on purpose: one figure's method (cluster, scenarios, latency, throughput, CPU) read top to bottom; its helpers serve no other figure.
/**
 * Several relays on one PostgreSQL database (DATABASE_URL), devices split across them: the same
 * account has devices on every relay, so an edit made through one relay reaches the others
 * through the database (the chunk committed, NOTIFY, the other relay refreshes and forwards).
 *
 * One throwaway cluster (tests/helpers/pg-cluster.ts) for the whole group, and on it three
 * scenarios open at once: 1, 2 and 3 relay processes, each scenario with accounts of its own (so
 * no scenario pulls another's chunks) and the same number of devices: device j of an account
 * connects to relay j mod N. The scenarios are measured in turns (the order rotates), so the
 * machine's drift falls on all of them alike. In each scenario:
 *   latency     one document per account, open on every device of the account; an edit by device
 *               A (protocol-v2 device: real Automerge change, sealed, put) timed until device B has
 *               the entry decrypted. With N ≥ 2, A and B are always on different relays (cross-relay);
 *               with N = 1 the single relay serves both. Clock starts just before the change.
 *   throughput  closed loop per document (as figures/throughput.ts): a writer appends and sets a
 *               counter, the next change once the reader has it; writer and reader on different
 *               relays when N ≥ 2. Counted: changes that reached their reader in the window.
 *   CPU         the database's CPU time (the postmaster's own + its waited-for children's, from
 *               /proc/<pid>/stat, plus every live child's) and the relays' CPU time, across the
 *               throughput windows, as % of one core and per 1,000 delivered changes.
 * The relays of the scenarios not being measured stay up, idle but LISTENing: every NOTIFY reaches
 * all six relays whichever scenario runs, so each pays the same fan-out.
 */
import * as A from '@automerge/automerge';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startPgCluster, type PgCluster } from '../../tests/helpers/pg-cluster.ts';
import { PgAccountStore } from '../../server/pg/account-store.ts';
import { Cleanups, figure, median, now, percentile, round, sleep, tempDir, waitFor, type BenchContext, type Figure } from '../lib/common.ts';
import { LOAD_ENV } from '../lib/clients.ts';
import { readCpuSeconds, spawnRelay, type RelayProc } from '../lib/procs.ts';
import { claimedAccounts, connectDevice, type V2Account } from '../lib/v2-accounts.ts';
import { newDocId, type BenchDevice } from '../lib/v2-device.ts';
import { closedLoops } from '../lib/closed-loops.ts';

type PingDoc = { seq: number; at: number };
type LoadDoc = { n: number; text: string };

const RELAY_COUNTS = [1, 2, 3] as const;
const STEP_TIMEOUT_MS = 10_000;
const CLK_TCK = 100;

interface Params {
  /** accounts per scenario */
  accounts: number;
  /** devices per account; a multiple of 6 so every relay count splits them evenly */
  perAccount: number;
  latencyEdits: number;
  throughputDocs: number;
  runs: number;
  runMs: number;
  /** throughput warm-up before the measured runs */
  warmupMs: number;
}

const QUICK: Params = { accounts: 3, perAccount: 6, latencyEdits: 40, throughputDocs: 36, runs: 3, runMs: 1_500, warmupMs: 1_000 };
const FULL: Params = { accounts: 4, perAccount: 12, latencyEdits: 300, throughputDocs: 120, runs: 5, runMs: 5_000, warmupMs: 2_000 };

/** Accounts in the database, each with its workspace key claimed (as after a first device's set-key). */
async function prepareAccounts(url: string, names: string[]): Promise<V2Account[]> {
  const store = new PgAccountStore({ url });
  try {
    return await claimedAccounts(store, names);
  } finally {
    await store.close();
  }
}

function procStat(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name may contain spaces: fields start after the closing parenthesis (state is fields[0])
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** The cluster's postmaster (the process listening on `port`, confirmed by its postmaster.pid) and its data folder. */
function findPostmaster(cluster: PgCluster): { pid: number; dataDir: string } {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const d = argv.indexOf('-D');
    const p = argv.indexOf('-p');
    if (d < 0 || p < 0 || argv[p + 1] !== String(cluster.port) || !path.basename(argv[0] ?? '').startsWith('postgres')) continue;
    const dataDir = argv[d + 1]!;
    const pid = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (pid === Number(name)) return { pid, dataDir };
  }
  throw new Error(`no postmaster found for the cluster on port ${cluster.port}`);
}

/**
 * The database's CPU seconds so far: the postmaster's user+system, its exited (waited-for)
 * children's (cutime+cstime), and every live child's user+system. Backends that end between two
 * readings are counted through the postmaster's cutime/cstime.
 */
function databaseCpuSeconds(postmaster: number): number {
  const own = procStat(postmaster);
  if (!own) throw new Error(`postmaster ${postmaster} is gone`);
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const f = procStat(Number(name));
    if (f && Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / CLK_TCK;
}

/** Resolves true once the device's copy of `docId` satisfies `ok` (false after STEP_TIMEOUT_MS). */
function waitForDoc<T>(d: BenchDevice, docId: string, ok: (doc: T) => boolean): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const cur = d.doc<T>(docId);
    if (cur && ok(cur)) return resolve(true);
    const timer = setTimeout(() => {
      unwatch();
      resolve(false);
    }, STEP_TIMEOUT_MS);
    const unwatch = d.watch(docId, (doc) => {
      if (ok(doc as T)) {
        clearTimeout(timer);
        unwatch();
        resolve(true);
      }
    });
  });
}

interface Scenario {
  relays: RelayProc[];
  /** devices[account][j], device j on relay j mod N */
  devices: BenchDevice[][];
  pingDocs: string[];
  /** the last seq written to each ping document (it only grows) */
  seq: number[];
}

async function openScenario(cluster: PgCluster, n: number, p: Params, cleanups: Cleanups): Promise<Scenario> {
  const accounts = await prepareAccounts(
    cluster.url,
    Array.from({ length: p.accounts }, (_, g) => `pg${n}relays${g}`),
  );
  const relays: RelayProc[] = [];
  for (let r = 0; r < n; r++) {
    // DATA_DIR is still required by spawnRelay; with DATABASE_URL the relay keeps nothing there.
    const relay = await spawnRelay('ours', { dataDir: tempDir(`pg-relay${r}`), env: { ...LOAD_ENV, DATABASE_URL: cluster.url } });
    cleanups.add(() => relay.stop());
    relays.push(relay);
  }
  const devices: BenchDevice[][] = [];
  for (const account of accounts) {
    const ds = await Promise.all(Array.from({ length: p.perAccount }, (_, j) => connectDevice(relays[j % n]!.syncUrl(), account)));
    cleanups.add(() => Promise.all(ds.map((d) => d.client.close())));
    devices.push(ds);
  }
  const pingDocs: string[] = [];
  for (const ds of devices) {
    const docId = newDocId();
    for (const d of ds.slice(1)) d.open(docId);
    await ds[0]!.create<PingDoc>(docId, { seq: 0, at: 0 });
    await waitFor(() => ds.every((d) => d.doc<PingDoc>(docId)?.seq === 0), 'the ping document on every device', 20_000, 5);
    pingDocs.push(docId);
  }
  return { relays, devices, pingDocs, seq: pingDocs.map(() => 0) };
}

/** Offsets from A to B: with N ≥ 2 never a multiple of N, so B is on another relay than A. */
function crossOffsets(perAccount: number, n: number): number[] {
  return Array.from({ length: perAccount - 1 }, (_, i) => i + 1).filter((s) => n === 1 || s % n !== 0);
}

/**
 * The k-th timed edit of a scenario: device A of account k mod accounts edits the ping document,
 * resolved with the time until device B (on another relay when N >= 2) has it decrypted.
 */
async function editOnce(s: Scenario, k: number): Promise<number> {
  const g = k % s.devices.length;
  const ds = s.devices[g]!;
  const offsets = crossOffsets(ds.length, s.relays.length);
  const ai = Math.floor(k / s.devices.length) % ds.length;
  const bi = (ai + offsets[k % offsets.length]!) % ds.length;
  const docId = s.pingDocs[g]!;
  const a = ds[ai]!;
  const b = ds[bi]!;
  const want = (s.seq[g] ?? 0) + 1;
  s.seq[g] = want;
  let unwatch = () => {};
  let timer: NodeJS.Timeout | undefined;
  const arrived = new Promise<number>((resolve, reject) => {
    unwatch = b.watch(docId, (doc, openedAt) => {
      if ((doc as PingDoc).seq >= want) {
        unwatch();
        clearTimeout(timer);
        resolve(openedAt);
      }
    });
    timer = setTimeout(() => {
      unwatch();
      reject(new Error(`edit ${want} did not arrive within ${STEP_TIMEOUT_MS} ms`));
    }, STEP_TIMEOUT_MS);
  });
  const start = now();
  a.change<PingDoc>(docId, (d) => {
    d.seq = want;
    d.at = Date.now();
  }).catch(() => undefined); // a nack shows as the edit not arriving
  return (await arrived) - start;
}

/** `edits` edits on every scenario, taking turns (the order rotates), one at a time; latencies per scenario. */
async function measureLatency(scenarios: Scenario[], edits: number, offset: number): Promise<number[][]> {
  const out: number[][] = scenarios.map(() => []);
  for (let i = 0; i < edits; i++) {
    for (const j of rotated(scenarios.length, i)) {
      out[j]!.push(await editOnce(scenarios[j]!, offset + i));
      await sleep(100); // each edit is timed alone
    }
  }
  return out;
}

/** 0..n-1 starting at `round` mod n: which scenario goes first changes every round. */
function rotated(n: number, round: number): number[] {
  return Array.from({ length: n }, (_, i) => (i + round) % n);
}

type Step = () => Promise<boolean>;

async function throughputSteps(s: Scenario, docsN: number): Promise<Step[]> {
  const steps: Step[] = [];
  const BATCH = 12;
  for (let i = 0; i < docsN; i += BATCH) {
    steps.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(BATCH, docsN - i) }, async (_, j) => {
          const k = i + j;
          const ds = s.devices[k % s.devices.length]!;
          const slot = Math.floor(k / s.devices.length);
          // consecutive device indexes are on different relays when N ≥ 2
          const writer = ds[slot % ds.length]!;
          const reader = ds[(slot + 1) % ds.length]!;
          const docId = newDocId();
          reader.open(docId);
          const seen = waitForDoc<LoadDoc>(reader, docId, (d) => d.n >= 0);
          await writer.create<LoadDoc>(docId, { n: 0, text: '' });
          if (!(await seen)) throw new Error(`document ${docId} did not reach its reader`);
          const step: Step = () => {
            const next = (writer.doc<LoadDoc>(docId)?.n ?? 0) + 1;
            const arrived = waitForDoc<LoadDoc>(reader, docId, (d) => (d.n ?? -1) >= next);
            writer
              .change<LoadDoc>(docId, (d) => {
                d.n = next;
                A.splice(d, ['text'], d.text.length, 0, 'token ');
              })
              .catch(() => undefined);
            return arrived;
          };
          return step;
        }),
      )),
    );
  }
  return steps;
}

interface DriveResult {
  changes: number;
  seconds: number;
  dbCpu: number;
  relaysCpu: number;
  stalled: number;
}

async function drive(steps: Step[], relays: RelayProc[], postmaster: number, ms: number): Promise<DriveResult> {
  const cpu = () => ({ db: databaseCpuSeconds(postmaster), relays: relays.reduce((t, r) => t + readCpuSeconds(r.pid), 0) });
  const r = await closedLoops(steps, ms, cpu);
  return { changes: r.changes, seconds: r.seconds, dbCpu: r.after.db - r.before.db, relaysCpu: r.after.relays - r.before.relays, stalled: r.stalled };
}

interface ScenarioResult {
  n: number;
  p50: number;
  p99: number;
  rates: number[];
  dbCorePct: number;
  dbMsPerK: number;
  relaysCorePct: number;
  stalled: number;
  problems: string | null;
}

function deviceProblems(s: Scenario): string | null {
  const all = s.devices.flat();
  const failed = all.reduce((t, d) => t + d.failed, 0);
  const putErrors = all.reduce((t, d) => t + d.putErrors, 0);
  return failed || putErrors ? `${failed} entries did not open, ${putErrors} compaction puts failed` : null;
}

/**
 * Every scenario open at once (1 + 2 + 3 relays on the database), measured in turns: the
 * machine is shared and its speed drifts, so each measurement of one relay count sits next to
 * the others'. The relays of the scenarios not being measured stay idle but LISTENing, as in
 * every scenario, so each pays the same NOTIFY fan-out.
 */
async function runScenarios(ctx: BenchContext, cluster: PgCluster, postmaster: number, p: Params, cleanups: Cleanups): Promise<{ results: ScenarioResult[]; pairRatios: number[] }> {
  const scenarios: Scenario[] = [];
  for (const n of RELAY_COUNTS) {
    const t0 = now();
    scenarios.push(await openScenario(cluster, n, p, cleanups));
    ctx.log(`  ${n} relay(s): ${p.accounts * p.perAccount} devices connected, ping documents everywhere in ${((now() - t0) / 1000).toFixed(1)} s`);
  }
  const warmEdits = p.accounts * 2; // every account's ping document edited twice first
  await measureLatency(scenarios, warmEdits, 0);
  const lat = await measureLatency(scenarios, p.latencyEdits, warmEdits);
  scenarios.forEach((s, j) => {
    const xs = lat[j]!;
    ctx.log(`  ${s.relays.length} relay(s): latency p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} edits)`);
  });
  const steps: Step[][] = [];
  for (const s of scenarios) steps.push(await throughputSteps(s, p.throughputDocs));
  for (let j = 0; j < scenarios.length; j++) await drive(steps[j]!, scenarios[j]!.relays, postmaster, p.warmupMs);
  const runs: DriveResult[][] = scenarios.map(() => []);
  const pairRatios: number[] = [];
  for (let r = 0; r < p.runs; r++) {
    for (const j of rotated(scenarios.length, r)) {
      const s = scenarios[j]!;
      const res = await drive(steps[j]!, s.relays, postmaster, p.runMs);
      runs[j]!.push(res);
      ctx.log(
        `  run ${r + 1}, ${s.relays.length} relay(s): ${(res.changes / res.seconds).toFixed(0)} changes/s, database CPU ${((res.dbCpu / res.seconds) * 100).toFixed(0)}% of a core, relays ${((res.relaysCpu / res.seconds) * 100).toFixed(0)}%${res.stalled ? `, ${res.stalled} documents stalled` : ''}`,
      );
      await sleep(300);
    }
    const rate = (j: number) => runs[j]![r]!.changes / runs[j]![r]!.seconds;
    pairRatios.push(rate(1) / Math.max(1e-9, rate(0)));
  }
  const results = scenarios.map((s, j): ScenarioResult => {
    const rs = runs[j]!;
    const sum = (f: (x: DriveResult) => number) => rs.reduce((t, x) => t + f(x), 0);
    const seconds = sum((x) => x.seconds);
    return {
      n: s.relays.length,
      p50: percentile(lat[j]!, 50),
      p99: percentile(lat[j]!, 99),
      rates: rs.map((x) => x.changes / x.seconds),
      dbCorePct: (sum((x) => x.dbCpu) / seconds) * 100,
      dbMsPerK: (sum((x) => x.dbCpu) * 1e6) / Math.max(1, sum((x) => x.changes)),
      relaysCorePct: (sum((x) => x.relaysCpu) / seconds) * 100,
      stalled: sum((x) => x.stalled),
      problems: deviceProblems(s),
    };
  });
  return { results, pairRatios };
}

export async function relaysOnPostgres(ctx: BenchContext): Promise<Figure[]> {
  const p = ctx.quick ? QUICK : FULL;
  const devicesN = p.accounts * p.perAccount;
  ctx.log(
    `  a throwaway PostgreSQL cluster; 1, 2, 3 relays on it (6 relays at once), each scenario with ${devicesN} devices (${p.accounts} accounts × ${p.perAccount}, device j on relay j mod N); ${p.latencyEdits} edits timed, ${p.throughputDocs} documents × ${p.runs} runs of ${p.runMs / 1000} s`,
  );
  const cluster = await startPgCluster();
  const cleanupsOfGroup = new Cleanups();
  try {
    const { pid: postmaster, dataDir } = findPostmaster(cluster);
    // run.ts exits on Ctrl-C without awaiting this figure: take the cluster and its folder
    // (startPgCluster's temp folder, the data folder's parent) down with the process.
    const onExit = () => {
      try {
        process.kill(postmaster, 'SIGQUIT');
      } catch {
        /* already gone */
      }
      rmSync(path.dirname(dataDir), { recursive: true, force: true, maxRetries: 3 });
    };
    process.once('exit', onExit);
    cleanupsOfGroup.add(() => process.off('exit', onExit));
    const { results, pairRatios } = await runScenarios(ctx, cluster, postmaster, p, cleanupsOfGroup);
    const one = results[0]!;
    const two = results[1]!;
    const quickNote = ctx.quick ? ' (quick mode: scaled down)' : '';
    const setup = `${devicesN} devices (${p.accounts} accounts × ${p.perAccount}, device j on relay j mod N), the three scenarios (1, 2, 3 relays) open at once on one PostgreSQL cluster (fsync off, same machine as relays and clients) and measured in turns`;
    const latencyNote = `an edit by one device (protocol-v2: Automerge change, sealed, put) until another device of the account has the entry decrypted; with 2 relays the two devices are always on different relays; ${p.latencyEdits} edits per scenario, one at a time, scenarios taking turns (after ${p.accounts * 2} warm-up edits each); baseline: the same with 1 relay in the same run; ${setup}${quickNote}`;
    const throughputNote = `changes that reached their reader, closed loop on ${p.throughputDocs} documents (writer and reader on different relays when N >= 2), median of ${p.runs} runs of ${p.runMs / 1000} s; baseline: 1 relay in the same run; ratio: median of the ${p.runs} rounds' 2-relay/1-relay ratios (each round runs the three relay counts one after the other, order rotating); ${setup}${quickNote}`;
    const problems = results
      .flatMap((r) => [r.stalled ? `${r.n} relay(s): ${r.stalled} document loops stalled` : null, r.problems ? `${r.n} relay(s): ${r.problems}` : null])
      .filter((x): x is string => x !== null);
    if (problems.length) ctx.log(`  ${problems.join('; ')}`);
    const problemNote = problems.length ? `; ${problems.join('; ')}` : '';
    const out: Figure[] = [
      figure({
        name: 'pg-cross-relay-latency-p50',
        label: 'cross-relay sync latency p50, 2 relays on PostgreSQL (vs 1 relay)',
        value: round(two.p50),
        unit: 'ms',
        baseline: round(one.p50),
        ratioOp: '<=',
        ratioLimit: 1.5,
        note: latencyNote,
      }),
      figure({
        name: 'pg-cross-relay-latency-p99',
        label: 'cross-relay sync latency p99, 2 relays on PostgreSQL (vs 1 relay)',
        value: round(two.p99),
        unit: 'ms',
        baseline: round(one.p99),
        note: `no target in the issue; ${latencyNote}`,
      }),
      figure({
        name: 'pg-throughput-2-relays',
        label: 'throughput, 2 relays on PostgreSQL (vs 1 relay)',
        value: round(median(two.rates), 0),
        unit: 'changes/s',
        baseline: round(median(one.rates), 0),
        ratioOp: '>=',
        ratioLimit: 1.0,
        runs: two.rates.map((x) => round(x, 0)),
        baselineRuns: one.rates.map((x) => round(x, 0)),
        ratioRuns: pairRatios.map((x) => round(x, 3)),
        note: throughputNote + problemNote,
      }),
    ];
    // The curve: one row per figure and relay count, the database's CPU beside it.
    for (const r of results) {
      const tag = `${r.n} relay${r.n > 1 ? 's' : ''}`;
      out.push(
        figure({ name: `pg-curve-${r.n}-latency-p50`, label: `PostgreSQL curve, ${tag}: sync latency p50`, value: round(r.p50), unit: 'ms', note: latencyNote }),
        figure({ name: `pg-curve-${r.n}-latency-p99`, label: `PostgreSQL curve, ${tag}: sync latency p99`, value: round(r.p99), unit: 'ms', note: latencyNote }),
        figure({
          name: `pg-curve-${r.n}-throughput`,
          label: `PostgreSQL curve, ${tag}: throughput`,
          value: round(median(r.rates), 0),
          unit: 'changes/s',
          runs: r.rates.map((x) => round(x, 0)),
          note: throughputNote,
        }),
        figure({
          name: `pg-curve-${r.n}-db-cpu`,
          label: `PostgreSQL curve, ${tag}: database CPU during throughput`,
          value: round(r.dbCorePct, 0),
          unit: '% of a core',
          note: 'CPU time of the cluster (postmaster + its children, exited ones through cutime/cstime; /proc/<pid>/stat) across the throughput runs, over their wall time',
        }),
        figure({
          name: `pg-curve-${r.n}-db-cpu-per-1k`,
          label: `PostgreSQL curve, ${tag}: database CPU per 1,000 changes`,
          value: round(r.dbMsPerK, 0),
          unit: 'ms',
          note: 'database CPU time across the throughput runs divided by the changes delivered in them',
        }),
        figure({
          name: `pg-curve-${r.n}-relays-cpu`,
          label: `PostgreSQL curve, ${tag}: relays' CPU during throughput (all relays)`,
          value: round(r.relaysCorePct, 0),
          unit: '% of a core',
          note: "sum of the relay processes' user+system CPU time across the throughput runs, over their wall time",
        }),
      );
    }
    return out;
  } finally {
    await cleanupsOfGroup.run();
    await cluster.destroy();
  }
}
