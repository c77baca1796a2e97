/**
 * Relay throughput: changes per second applied by the relay and forwarded to another client,
 * with many clients and documents at once: C clients in accounts of 10, D documents, each with
 * a writer and a reader from the same account.
 * On every document the writer appends to a text (like a streamed answer) and sets a counter;
 * as soon as the reader's copy shows the change, the writer makes the next one (a closed loop
 * per document, so the relay is never fed faster than it forwards). Counted: changes that
 * reached their reader during the measured window. Also reported: the relay's CPU time per
 * 1,000 changes (what each forwarded change costs the relay, whoever the bottleneck is).
 * Ours and the reference relay run side by side, runs alternating. The ratio is the median of
 * the runs' ratios, each run of ours against the reference's run just before or after it: the
 * machine's speed drifts between runs (one relay's runs varied 510–660 changes/s within one
 * bench), and a ratio of medians taken from different moments carried that drift (0.95–1.05
 * between benches of the same code); a pair shares its moment.
 */
import { splice, type DocHandle } from '@automerge/automerge-repo';
import { Cleanups, figure, median, now, round, sleep, tempDir, type BenchContext, type Figure } from '../lib/common.ts';
import { connectMany, findRetrying, LOAD_ENV, prepareOurAccounts, waitForRelayAck, type BenchClient } from '../lib/clients.ts';
import { spawnRelay, type RelayKind, type RelayProc } from '../lib/procs.ts';

type LoadDoc = { n: number; text: string };

interface Pair {
  writer: DocHandle<LoadDoc>;
  reader: DocHandle<LoadDoc>;
}

interface Session {
  kind: RelayKind;
  relay: RelayProc;
  clients: BenchClient[];
  pairs: Pair[];
}

/** Clients in accounts of 10 (the relay caps connections per account); documents shared inside an account. */
const PER_ACCOUNT = 10;

async function openSession(kind: RelayKind, clientsN: number, docsN: number, cleanups: Cleanups): Promise<Session> {
  const dataDir = tempDir(`throughput-${kind}`);
  const groupsN = Math.ceil(clientsN / PER_ACCOUNT);
  const tokens: Array<string | undefined> = Array.from({ length: groupsN }, () => undefined);
  if (kind === 'ours') {
    const accounts = await prepareOurAccounts(dataDir, Array.from({ length: groupsN }, (_, g) => `throughput${g}`));
    accounts.forEach((a, g) => (tokens[g] = a.token));
  }
  const relay = await spawnRelay(kind, { dataDir, env: LOAD_ENV });
  cleanups.add(() => relay.stop());
  const clients = await connectMany(clientsN, (i) => relay.syncUrl(tokens[Math.floor(i / PER_ACCOUNT)]));
  cleanups.add(() => Promise.all(clients.map((c) => c.close())));
  const pairs: Pair[] = [];
  const BATCH = 20;
  for (let i = 0; i < docsN; i += BATCH) {
    const group = await Promise.all(
      Array.from({ length: Math.min(BATCH, docsN - i) }, async (_, j) => {
        const k = i + j;
        // writer and reader: two different clients of the same account
        const g = k % groupsN;
        const base = g * PER_ACCOUNT;
        const size = Math.min(PER_ACCOUNT, clientsN - base);
        const slot = Math.floor(k / groupsN);
        const w = clients[base + (slot % size)]!;
        const r = clients[base + ((slot + 1) % size)]!;
        const writer = w.repo.create<LoadDoc>({ n: 0, text: '' });
        await waitForRelayAck(w, writer as DocHandle<unknown>);
        const reader = await findRetrying<LoadDoc>(r, writer.url);
        return { writer, reader };
      }),
    );
    pairs.push(...group);
  }
  return { kind, relay, clients, pairs };
}

/** Runs the closed loop on every document for `ms`; returns changes delivered and relay CPU seconds used. */
async function drive(s: Session, ms: number): Promise<{ changes: number; seconds: number; cpu: number; clientCpu: number }> {
  let stop = false;
  let delivered = 0;
  const cpu0 = s.relay.cpuSeconds();
  const own0 = process.cpuUsage();
  const t0 = now();
  const loops = s.pairs.map(async ({ writer, reader }) => {
    while (!stop) {
      const next = (writer.doc()?.n ?? 0) + 1;
      const arrived = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          reader.off('change', onChange);
          resolve(false);
        }, 10_000);
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
      if (!(await arrived)) break;
      if (!stop) delivered++;
    }
  });
  await sleep(ms);
  stop = true;
  const seconds = (now() - t0) / 1000;
  const cpu = s.relay.cpuSeconds() - cpu0;
  const own = process.cpuUsage(own0);
  await Promise.all(loops);
  return { changes: delivered, seconds, cpu, clientCpu: (own.user + own.system) / 1e6 };
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
    for (const kind of ['ours', 'baseline'] as const) sessions.push(await openSession(kind, clientsN, docsN, cleanups));
    for (const s of sessions) await drive(s, ctx.quick ? 1_000 : 2_000); // warm-up
    const rate: Record<RelayKind, number[]> = { ours: [], baseline: [] };
    const cpuPerK: Record<RelayKind, number[]> = { ours: [], baseline: [] };
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    for (let r = 0; r < runs; r++) {
      const order = r % 2 === 0 ? sessions : [...sessions].reverse();
      for (const s of order) {
        const res = await drive(s, runMs);
        rate[s.kind].push(res.changes / res.seconds);
        cpuPerK[s.kind].push((res.cpu * 1000 * 1000) / Math.max(1, res.changes));
        ctx.log(
          `  run ${r + 1} ${s.kind}: ${(res.changes / res.seconds).toFixed(0)} changes/s, relay CPU ${((res.cpu / res.seconds) * 100).toFixed(0)}% of a core (clients ${((res.clientCpu / res.seconds) * 100).toFixed(0)}%), ${((res.cpu * 1e6) / Math.max(1, res.changes)).toFixed(0)} ms CPU per 1,000 changes`,
        );
        await sleep(500);
      }
      ratios.push(rate.ours[r]! / Math.max(1e-9, rate.baseline[r]!));
      cpuRatios.push(cpuPerK.ours[r]! / Math.max(1e-9, cpuPerK.baseline[r]!));
    }
    const note = `${clientsN} clients, ${docsN} documents, closed loop per document; median of ${runs} runs of ${runMs / 1000} s; ratio: median of the ${runs} back-to-back pairs' ratios${ctx.quick ? ' (quick mode: scaled down)' : ''}`;
    return [
      figure({
        name: 'relay-throughput',
        label: 'relay throughput (changes applied + forwarded)',
        value: round(median(rate.ours), 0),
        unit: 'changes/s',
        baseline: round(median(rate.baseline), 0),
        ratioOp: '>=',
        ratioLimit: 0.95,
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
