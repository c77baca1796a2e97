/**
 * Sync latency: an edit on device A is visible on device B, through the relay, while N clients
 * are connected. The clients are spread over accounts of 10 (the relay caps connections per
 * account; the reference relay gets the same groups, one document per group): every client
 * has its group's document open, so each edit fans out to the 9 others. A and B rotate over the
 * groups and clients.
 *   ours       raw protocol-v2 devices (bench/lib/v2-device.ts): the edit is a real Automerge
 *              change, `A.saveSince` sealed with the workspace key and put; measured until B has
 *              the entry decrypted (it then applies it, as every other device of the group does)
 *   reference  automerge-repo clients against bench/baseline-relay.ts; measured until B's
 *              handle shows the change
 * Both clocks start just before the change is made.
 *
 * The two relays are measured edit by edit in turn (which one goes first alternates), 150 ms
 * after each other's edit: an edit reaches each relay every ~320 ms, longer than automerge-repo's
 * 100 ms sync batching. Measured in blocks of one relay then the other, the machine's drift
 * between blocks moved the ratio by ±8%; and a p99 needs a few hundred edits per run.
 */
import type { DocHandle } from '@automerge/automerge-repo';
import { Cleanups, figure, median, now, percentile, round, sleep, tempDir, waitFor, type BenchContext, type Figure } from '../lib/common.ts';
import { connectMany, findRetrying, LOAD_ENV, waitForRelayAck, type BenchClient } from '../lib/clients.ts';
import { spawnRelay, type RelayKind } from '../lib/procs.ts';
import { connectDevices, prepareV2Accounts } from '../lib/v2-accounts.ts';
import { newDocId, type BenchDevice } from '../lib/v2-device.ts';

type PingDoc = { seq: number; at: number };

interface Session {
  kind: RelayKind;
  groups: number;
  perGroup: number;
  /** one edit by client `a` of `group`, resolved with its latency once client `b` has it */
  edit(group: number, a: number, b: number, seq: number, timeoutMs: number): Promise<number>;
}

function timeout(ms: number, what: string, cancel: () => void): { promise: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      cancel();
      reject(new Error(what));
    }, ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

async function openReference(groupsN: number, perGroup: number, cleanups: Cleanups): Promise<Session> {
  const relay = await spawnRelay('baseline', { dataDir: tempDir('latency-baseline') });
  cleanups.add(() => relay.stop());
  const groups: DocHandle<PingDoc>[][] = [];
  for (let g = 0; g < groupsN; g++) {
    const clients: BenchClient[] = await connectMany(perGroup, () => relay.syncUrl());
    cleanups.add(() => Promise.all(clients.map((c) => c.close())));
    const first = clients[0]!.repo.create<PingDoc>({ seq: 0, at: 0 });
    // The relay must hold the document before the others can find it.
    await waitForRelayAck(clients[0]!, first as DocHandle<unknown>);
    const rest = await Promise.all(clients.slice(1).map((c) => findRetrying<PingDoc>(c, first.url)));
    groups.push([first, ...rest]);
  }
  return {
    kind: 'baseline',
    groups: groupsN,
    perGroup,
    edit: (g, ai, bi, seq, timeoutMs) =>
      new Promise((resolve, reject) => {
        const a = groups[g]![ai]!;
        const b = groups[g]![bi]!;
        let start = 0;
        const onChange = () => {
          if ((b.doc()?.seq ?? 0) >= seq) {
            b.off('change', onChange);
            clearTimeout(timer);
            resolve(now() - start);
          }
        };
        const timer = setTimeout(() => {
          b.off('change', onChange);
          reject(new Error(`edit ${seq} did not arrive within ${timeoutMs} ms`));
        }, timeoutMs);
        b.on('change', onChange);
        start = now();
        a.change((d) => {
          d.seq = seq;
          d.at = Date.now();
        });
      }),
  };
}

async function openOurs(groupsN: number, perGroup: number, cleanups: Cleanups): Promise<Session> {
  const dataDir = tempDir('latency-ours');
  const accounts = await prepareV2Accounts(dataDir, Array.from({ length: groupsN }, (_, g) => `latency${g}`));
  const relay = await spawnRelay('ours', { dataDir, env: LOAD_ENV });
  cleanups.add(() => relay.stop());
  const groups: Array<{ docId: string; devices: BenchDevice[] }> = [];
  for (let g = 0; g < groupsN; g++) {
    const devices = await connectDevices(perGroup, relay.syncUrl(), () => accounts[g]!);
    cleanups.add(() => Promise.all(devices.map((d) => d.client.close())));
    const docId = newDocId();
    for (const d of devices.slice(1)) d.open(docId);
    await devices[0]!.create<PingDoc>(docId, { seq: 0, at: 0 });
    await waitFor(() => devices.every((d) => d.doc<PingDoc>(docId)?.seq === 0), `group ${g}'s document on every device`, 20_000, 5);
    groups.push({ docId, devices });
  }
  return {
    kind: 'ours',
    groups: groupsN,
    perGroup,
    edit: async (g, ai, bi, seq, timeoutMs) => {
      const { docId, devices } = groups[g]!;
      const a = devices[ai]!;
      const b = devices[bi]!;
      let unwatch = () => {};
      const arrived = new Promise<number>((resolve) => {
        unwatch = b.watch(docId, (doc, openedAt) => {
          if ((doc as PingDoc).seq >= seq) {
            unwatch();
            resolve(openedAt);
          }
        });
      });
      const limit = timeout(timeoutMs, `edit ${seq} did not arrive within ${timeoutMs} ms`, unwatch);
      const start = now();
      const acked = a.change<PingDoc>(docId, (d) => {
        d.seq = seq;
        d.at = Date.now();
      });
      acked.catch(() => undefined); // a nack shows as the edit not arriving
      try {
        return (await Promise.race([arrived, limit.promise])) - start;
      } finally {
        limit.clear();
      }
    },
  };
}

/** One edit on the session, the k-th of its sequence: A and B rotate over groups and clients. */
function editNth(s: Session, k: number, seq: number): Promise<number> {
  const g = k % s.groups;
  const n = s.perGroup;
  const ai = Math.floor(k / s.groups) % n;
  const bi = (ai + 1 + ((k * 7) % (n - 1))) % n;
  return s.edit(g, ai, bi, seq, 10_000);
}

/** `edits` edits on each session, taking turns; returns each session's latencies. */
async function measure(sessions: Session[], edits: number, seq: Record<RelayKind, number>, offset: number): Promise<Record<RelayKind, number[]>> {
  const out: Record<RelayKind, number[]> = { ours: [], baseline: [] };
  for (let i = 0; i < edits; i++) {
    for (const s of i % 2 === 0 ? sessions : [...sessions].reverse()) {
      // sequence numbers only grow per document; seq is per relay so it always grows
      out[s.kind].push(await editNth(s, offset + i, seq[s.kind]++));
      await sleep(150);
    }
  }
  return out;
}

export async function syncLatency(ctx: BenchContext): Promise<Figure[]> {
  const perGroup = ctx.quick ? 5 : 10;
  const groupsN = ctx.quick ? 4 : 10;
  const n = perGroup * groupsN;
  const runs = 3;
  // A run's p99 is its 4th-slowest edit: with 200 edits (its 2nd-slowest) the p99 ratio moved
  // 1.04–1.08 between benches of the same code, while 600 edits in one run gave 1.02.
  const edits = ctx.quick ? 20 : 400;
  // Every group's document edited twice before measuring (the first edits through a relay are slower on both).
  const warmup = groupsN * 2;
  const cleanups = new Cleanups();
  try {
    ctx.log(`  ${n} clients per relay (${groupsN} accounts × ${perGroup}), ${runs} runs × ${edits} edits per relay (+${warmup} warm-up), edits alternating between the relays`);
    const sessions: Session[] = [];
    for (const kind of ['ours', 'baseline'] as const) {
      const t0 = now();
      sessions.push(kind === 'ours' ? await openOurs(groupsN, perGroup, cleanups) : await openReference(groupsN, perGroup, cleanups));
      ctx.log(`  ${kind}: ${n} clients connected with their document open in ${((now() - t0) / 1000).toFixed(1)} s`);
    }
    const perRun: Record<RelayKind, { p50: number[]; p99: number[] }> = { ours: { p50: [], p99: [] }, baseline: { p50: [], p99: [] } };
    const seq: Record<RelayKind, number> = { ours: 1, baseline: 1 };
    await measure(sessions, warmup, seq, 0);
    for (let r = 0; r < runs; r++) {
      const got = await measure(sessions, edits, seq, warmup + r * edits);
      for (const s of sessions) {
        const xs = got[s.kind];
        perRun[s.kind].p50.push(percentile(xs, 50));
        perRun[s.kind].p99.push(percentile(xs, 99));
        ctx.log(`  run ${r + 1} ${s.kind}: p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms`);
      }
    }
    const note = `${n} clients (${groupsN} accounts × ${perGroup}, each group with its document open: an edit fans out to ${perGroup - 1}); ours: protocol-v2 devices, until the other device has the entry decrypted; median over ${runs} runs of ${edits} edits per relay, edits alternating between the relays${ctx.quick ? ' (quick mode: scaled down from 100 clients)' : ''}`;
    const f = (name: string, label: string, key: 'p50' | 'p99') =>
      figure({
        name,
        label,
        value: round(median(perRun.ours[key])),
        unit: 'ms',
        baseline: round(median(perRun.baseline[key])),
        ratioOp: '<=',
        ratioLimit: 0.5,
        runs: perRun.ours[key].map((x) => round(x)),
        baselineRuns: perRun.baseline[key].map((x) => round(x)),
        note,
      });
    return [f('sync-latency-p50', `sync latency p50, ${n} clients`, 'p50'), f('sync-latency-p99', `sync latency p99, ${n} clients`, 'p99')];
  } finally {
    await cleanups.run();
  }
}
