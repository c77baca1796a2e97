/**
 * Relay throughput: changes per second stored by the relay and forwarded to another device,
 * with many clients and documents at once: C clients in accounts of 10, D documents, each with
 * a writer and a reader from the same account.
 * On every document the writer appends to a text (like a streamed answer) and sets a counter;
 * as soon as the reader's copy shows the change, the writer makes the next one (a closed loop
 * per document, so the relay is never fed faster than it forwards). Counted: changes that
 * reached their reader during the measured window. Also reported: the relay's CPU time per
 * 1,000 changes (what each forwarded change costs the relay, whoever the bottleneck is).
 *   ours       raw protocol-v2 devices (bench/lib/v2-device.ts): each change `A.saveSince`,
 *              sealed, put; the reader decrypts and applies it. The relay forwards every chunk to
 *              all of the account's other devices, which decrypt it (and, as the engine does for a
 *              document it has not open, keep it unapplied); writers compact as the engine does.
 *   reference  automerge-repo clients against bench/baseline-relay.ts
 * The two run side by side, runs alternating. The ratio is the median of the runs' ratios, each
 * run of ours against the reference's run just before or after it: the machine's speed drifts
 * between runs, and a ratio of medians taken from different moments carried that drift.
 */
import { splice, type DocHandle } from '@automerge/automerge-repo';
import * as A from '@automerge/automerge';
import { Cleanups, figure, median, round, sleep, tempDir, type BenchContext, type Figure } from '../lib/common.ts';
import { connectMany, findRetrying, LOAD_ENV, waitForRelayAck, type BenchClient } from '../lib/clients.ts';
import { spawnRelay, type RelayKind, type RelayProc } from '../lib/procs.ts';
import { connectDevices, prepareV2Accounts } from '../lib/v2-accounts.ts';
import { newDocId, type BenchDevice } from '../lib/v2-device.ts';
import { closedLoops } from '../lib/closed-loops.ts';

type LoadDoc = { n: number; text: string };

/** One document's closed loop: one change, resolved true once the reader has it (false after 10 s). */
type Step = () => Promise<boolean>;

interface Session {
  kind: RelayKind;
  relay: RelayProc;
  steps: Step[];
  /** devices' problems to report (ours: entries that did not open, failed puts) */
  problems(): string | null;
}

/** Clients in accounts of 10 (the relay caps connections per account); documents shared inside an account. */
const PER_ACCOUNT = 10;
const STEP_TIMEOUT_MS = 10_000;

/** Writer and reader of document k: two different clients of the same account. */
function pairOf(k: number, clientsN: number): { writer: number; reader: number } {
  const groupsN = Math.ceil(clientsN / PER_ACCOUNT);
  const g = k % groupsN;
  const base = g * PER_ACCOUNT;
  const size = Math.min(PER_ACCOUNT, clientsN - base);
  const slot = Math.floor(k / groupsN);
  return { writer: base + (slot % size), reader: base + ((slot + 1) % size) };
}

async function openReference(clientsN: number, docsN: number, cleanups: Cleanups): Promise<Session> {
  const relay = await spawnRelay('baseline', { dataDir: tempDir('throughput-baseline') });
  cleanups.add(() => relay.stop());
  const clients: BenchClient[] = await connectMany(clientsN, () => relay.syncUrl());
  cleanups.add(() => Promise.all(clients.map((c) => c.close())));
  const steps: Step[] = [];
  const BATCH = 20;
  for (let i = 0; i < docsN; i += BATCH) {
    const group = await Promise.all(
      Array.from({ length: Math.min(BATCH, docsN - i) }, async (_, j) => {
        const { writer: wi, reader: ri } = pairOf(i + j, clientsN);
        const writer = clients[wi]!.repo.create<LoadDoc>({ n: 0, text: '' });
        await waitForRelayAck(clients[wi]!, writer as DocHandle<unknown>);
        const reader = await findRetrying<LoadDoc>(clients[ri]!, writer.url);
        const step: Step = () => {
          const next = (writer.doc()?.n ?? 0) + 1;
          const arrived = new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => {
              reader.off('change', onChange);
              resolve(false);
            }, STEP_TIMEOUT_MS);
            const onChange = () => {
              if ((reader.doc()?.n ?? 0) >= next) {
                clearTimeout(timer);
                reader.off('change', onChange);
                resolve(true);
              }
            };
            reader.on('change', onChange);
          });
          writer.change((d) => {
            d.n = next;
            splice(d, ['text'], d.text.length, 0, 'token ');
          });
          return arrived;
        };
        return step;
      }),
    );
    steps.push(...group);
  }
  return { kind: 'baseline', relay, steps, problems: () => null };
}

async function openOurs(clientsN: number, docsN: number, cleanups: Cleanups): Promise<Session> {
  const dataDir = tempDir('throughput-ours');
  const groupsN = Math.ceil(clientsN / PER_ACCOUNT);
  const accounts = await prepareV2Accounts(dataDir, Array.from({ length: groupsN }, (_, g) => `throughput${g}`));
  const relay = await spawnRelay('ours', { dataDir, env: LOAD_ENV });
  cleanups.add(() => relay.stop());
  const devices = await connectDevices(clientsN, relay.syncUrl(), (i) => accounts[Math.floor(i / PER_ACCOUNT)]!);
  cleanups.add(() => Promise.all(devices.map((d) => d.client.close())));
  const steps: Step[] = [];
  const BATCH = 20;
  for (let i = 0; i < docsN; i += BATCH) {
    const group = await Promise.all(
      Array.from({ length: Math.min(BATCH, docsN - i) }, async (_, j) => {
        const { writer: wi, reader: ri } = pairOf(i + j, clientsN);
        const writer: BenchDevice = devices[wi]!;
        const reader: BenchDevice = devices[ri]!;
        const docId = newDocId();
        reader.open(docId);
        const seen = waitForN(reader, docId, 0);
        await writer.create<LoadDoc>(docId, { n: 0, text: '' });
        if (!(await seen)) throw new Error(`document ${docId} did not reach its reader`);
        const step: Step = () => {
          const next = (writer.doc<LoadDoc>(docId)?.n ?? 0) + 1;
          const arrived = waitForN(reader, docId, next);
          writer
            .change<LoadDoc>(docId, (d) => {
              d.n = next;
              A.splice(d, ['text'], d.text.length, 0, 'token ');
            })
            .catch(() => undefined); // a nack shows as the change not arriving
          return arrived;
        };
        return step;
      }),
    );
    steps.push(...group);
  }
  return {
    kind: 'ours',
    relay,
    steps,
    problems: () => {
      const failed = devices.reduce((s, d) => s + d.failed, 0);
      const putErrors = devices.reduce((s, d) => s + d.putErrors, 0);
      return failed || putErrors ? `${failed} entries did not open, ${putErrors} compaction puts failed` : null;
    },
  };
}

/** Resolves true once the reader's copy of `docId` has n >= `n` (false after STEP_TIMEOUT_MS). */
function waitForN(reader: BenchDevice, docId: string, n: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    if ((reader.doc<LoadDoc>(docId)?.n ?? -1) >= n) return resolve(true);
    const timer = setTimeout(() => {
      unwatch();
      resolve(false);
    }, STEP_TIMEOUT_MS);
    const unwatch = reader.watch(docId, (doc) => {
      if (((doc as LoadDoc).n ?? -1) >= n) {
        clearTimeout(timer);
        unwatch();
        resolve(true);
      }
    });
  });
}

/** Runs the closed loop on every document for `ms`; returns changes delivered and relay CPU seconds used. */
async function drive(s: Session, ms: number): Promise<{ changes: number; seconds: number; cpu: number; clientCpu: number; stalled: number }> {
  const cpu = () => ({ relay: s.relay.cpuSeconds(), own: process.cpuUsage() });
  const r = await closedLoops(s.steps, ms, cpu);
  const clientCpu = (r.after.own.user - r.before.own.user + r.after.own.system - r.before.own.system) / 1e6;
  return { changes: r.changes, seconds: r.seconds, cpu: r.after.relay - r.before.relay, clientCpu, stalled: r.stalled };
}

export async function throughput(ctx: BenchContext): Promise<Figure[]> {
  const clientsN = ctx.quick ? 20 : 50;
  const docsN = ctx.quick ? 100 : 250;
  const runs = ctx.quick ? 3 : 5;
  const runMs = ctx.quick ? 1_500 : 6_000;
  const cleanups = new Cleanups();
  try {
    ctx.log(`  ${clientsN} clients, ${docsN} documents (one writer + one reader each), ${runs} runs × ${runMs / 1000} s (+ warm-up)`);
    const sessions: Session[] = [];
    for (const kind of ['ours', 'baseline'] as const) sessions.push(kind === 'ours' ? await openOurs(clientsN, docsN, cleanups) : await openReference(clientsN, docsN, cleanups));
    for (const s of sessions) await drive(s, ctx.quick ? 1_000 : 2_000); // warm-up
    const rate: Record<RelayKind, number[]> = { ours: [], baseline: [] };
    const cpuPerK: Record<RelayKind, number[]> = { ours: [], baseline: [] };
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    const stalled: Record<RelayKind, number> = { ours: 0, baseline: 0 };
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? sessions : [...sessions].reverse();
      for (const s of order) {
        const res = await drive(s, runMs);
        stalled[s.kind] += res.stalled;
        rate[s.kind].push(res.changes / res.seconds);
        cpuPerK[s.kind].push((res.cpu * 1000 * 1000) / Math.max(1, res.changes));
        ctx.log(
          `  run ${r + 1} ${s.kind}: ${(res.changes / res.seconds).toFixed(0)} changes/s, relay CPU ${((res.cpu / res.seconds) * 100).toFixed(0)}% of a core (clients ${((res.clientCpu / res.seconds) * 100).toFixed(0)}%), ${((res.cpu * 1e6) / Math.max(1, res.changes)).toFixed(0)} ms CPU per 1,000 changes${res.stalled ? `, ${res.stalled} documents stalled` : ''}`,
        );
        await sleep(500);
      }
      ratios.push(rate.ours[r]! / Math.max(1e-9, rate.baseline[r]!));
      cpuRatios.push(cpuPerK.ours[r]! / Math.max(1e-9, cpuPerK.baseline[r]!));
    }
    const problems = sessions.find((s) => s.kind === 'ours')?.problems() ?? null;
    if (problems) ctx.log(`  ours: ${problems}`);
    const note = `${clientsN} clients, ${docsN} documents, closed loop per document; median of ${runs} runs of ${runMs / 1000} s; ratio: median of the ${runs} back-to-back pairs' ratios${stalled.ours || stalled.baseline ? `; document loops stalled (a change not delivered within 10 s, the loop ends for that run): ours ${stalled.ours}, reference ${stalled.baseline}` : ''}${problems ? `; ours: ${problems}` : ''}${ctx.quick ? ' (quick mode: scaled down)' : ''}`;
    return [
      figure({
        name: 'relay-throughput',
        label: 'relay throughput (changes stored + forwarded)',
        value: round(median(rate.ours), 0),
        unit: 'changes/s',
        baseline: round(median(rate.baseline), 0),
        ratioOp: '>=',
        ratioLimit: 3,
        runs: rate.ours.map((x) => round(x, 0)),
        baselineRuns: rate.baseline.map((x) => round(x, 0)),
        ratioRuns: ratios.map((x) => round(x, 3)),
        note,
      }),
      figure({
        name: 'relay-cpu-per-1k-changes',
        label: 'relay CPU per 1,000 forwarded changes',
        value: round(median(cpuPerK.ours), 0),
        unit: 'ms',
        baseline: round(median(cpuPerK.baseline), 0),
        runs: cpuPerK.ours.map((x) => round(x, 0)),
        baselineRuns: cpuPerK.baseline.map((x) => round(x, 0)),
        ratioRuns: cpuRatios.map((x) => round(x, 3)),
        note: 'no target in the issue; lower is better',
      }),
    ];
  } finally {
    await cleanups.run();
  }
}
