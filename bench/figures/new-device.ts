/**
 * A new device joins a workspace of 200 presets and 5,000 conversations (20 messages each).
 * The relay starts on a folder that already holds the workspace (a relay that has been
 * restarted: nothing in memory). The device
 *   ours:      a protocol-v2 device (bench/lib/v2-device.ts) doing what the app's sync engine
 *              does on a new device: `pull {since: 0}`, every entry decrypted and kept (stored,
 *              not applied), the workspace applied as its entry arrives. The account was filled
 *              through the protocol beforehand (bench/lib/v2-seed.ts: one encrypted snapshot per
 *              document, the workspace uploaded first);
 *   reference: an automerge-repo client doing what the app did: it opens the workspace and
 *              find()s every document it lists, 50 at a time.
 * It counts documents that arrived and those that ended "unavailable" (ours: not received, or
 * not opening with the key); an entry kept counts as arrived, and 1 in LOAD_CHECK_EVERY is loaded
 * with Automerge after the clock stops (timed apart) to check it.
 *   titles usable: from the start of the connection until the workspace document (which holds
 *                  every conversation title) is open
 *   total:         until every document has arrived (or failed)
 * Ours and the reference relay, on identical copies of the same data.
 */
import * as A from '@automerge/automerge';
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo';
import { Cleanups, figure, median, now, round, tempDir, removeTempDir, type BenchContext, type Figure } from '../lib/common.ts';
import { connectClient, MemoryStorageAdapter } from '../lib/clients.ts';
import { getTemplate } from '../lib/dataset.ts';
import { installTemplate, type Template, type TemplateEntry } from '../lib/seed.ts';
import { spawnRelay, trackPeakRss, type RelayKind } from '../lib/procs.ts';
import { storedString, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { prepareV2Accounts } from '../lib/v2-accounts.ts';
import { connectV2 } from '../lib/v2-client.ts';
import { BenchDevice } from '../lib/v2-device.ts';
import { templateDocBytes, uploadDocs, workspaceBytes, type SeedDoc, type WorkspaceEntry } from '../lib/v2-seed.ts';

/** A bundled document loaded with Automerge to check it, one in this many. */
const LOAD_CHECK_EVERY = 10;
/** Same as the app's background push. */
const BATCH = 50;
/** Give up on a join after this long; what has not arrived counts as unavailable. */
const JOIN_TIMEOUT_MS = 240_000;

interface JoinResult {
  titlesMs: number;
  totalMs: number;
  arrived: number;
  unavailable: number;
  expected: number;
  relayPeakRssMb: number;
  /** CPU seconds used during the join by the relay and by this process (the client) */
  relayCpu: number;
  clientCpu: number;
  /** ours: documents received and kept, and the seconds spent checking they load (not in total) */
  bundled?: number;
  loadChecked?: number;
  loadCheckS?: number;
  error?: string;
}

/** The template's documents of one join (the first `sizes` presets and conversations). */
function joinEntries(t: Template, sizes: { presets?: number; conversations?: number }): TemplateEntry[] {
  return [...t.presets.slice(0, sizes.presets ?? t.presets.length), ...t.conversations.slice(0, sizes.conversations ?? t.conversations.length)];
}

async function joinOurs(t: Template, sizes: { presets?: number; conversations?: number }, nodeArgs?: string[]): Promise<JoinResult> {
  const cleanups = new Cleanups();
  const dataDir = tempDir('join-ours');
  cleanups.add(() => removeTempDir(dataDir));
  try {
    const [account] = await prepareV2Accounts(dataDir, ['join']);
    const entries = joinEntries(t, sizes);
    const workspaceId = account!.workspaceUrl.slice('automerge:'.length);
    const listed: WorkspaceEntry[] = entries.map((e) => ({ kind: e.kind, id: e.id, docId: e.url.slice('automerge:'.length), title: e.title, model: e.model }));
    const docs: SeedDoc[] = [{ id: workspaceId, bytes: workspaceBytes(listed) }, ...entries.map((e) => ({ id: e.url.slice('automerge:'.length), bytes: templateDocBytes(t, e) }))];
    const seeder = await spawnRelay('ours', { dataDir });
    try {
      await uploadDocs(seeder.syncUrl(), account!, docs);
    } finally {
      await seeder.stop();
    }

    const relay = await spawnRelay('ours', { dataDir, nodeArgs });
    cleanups.add(() => relay.stop());
    const peakRss = trackPeakRss(relay, cleanups, 500);

    const t0 = now();
    const cpu0 = relay.cpuSeconds();
    const own0 = process.cpuUsage();
    const client = await connectV2(relay.syncUrl(), account!.token);
    cleanups.add(() => client.close());
    const kept = new Map<string, Uint8Array>();
    const device = new BenchDevice(client, account!.key, { onOpened: (e, plain) => kept.set(e.doc, plain) });
    device.open(workspaceId);
    const conversations = listed.filter((e) => e.kind === 'conversation').length;
    let titlesMs = Number.NaN;
    const unwatch = device.watch(workspaceId, (doc) => {
      if (Object.keys((doc as WorkspaceDoc).conversations ?? {}).length >= conversations) {
        titlesMs = now() - t0;
        unwatch();
      }
    });
    await client.pull(0);
    const totalMs = now() - t0;
    const own = process.cpuUsage(own0);
    const relayCpu = relay.cpuSeconds() - cpu0;

    let arrived = 0;
    let unavailable = 0;
    const c0 = now();
    let loadChecked = 0;
    for (const [i, e] of listed.entries()) {
      const data = kept.get(e.docId);
      try {
        if (!data) throw new Error('not received');
        if (i % LOAD_CHECK_EVERY === 0) {
          loadChecked++;
          const loaded = A.loadIncremental(A.init(), data);
          const heads = A.getHeads(loaded).length;
          A.free(loaded);
          if (heads === 0) throw new Error('empty');
        }
        arrived++;
      } catch {
        unavailable++;
      }
    }
    return {
      bundled: kept.size,
      loadChecked,
      loadCheckS: (now() - c0) / 1000,
      titlesMs,
      totalMs,
      arrived,
      unavailable: unavailable + device.failed,
      expected: listed.length,
      relayPeakRssMb: peakRss(),
      relayCpu,
      clientCpu: (own.user + own.system) / 1e6,
    };
  } finally {
    await cleanups.run();
  }
}

async function joinReference(t: Template, sizes: { presets?: number; conversations?: number }, nodeArgs?: string[]): Promise<JoinResult> {
  const cleanups = new Cleanups();
  const dataDir = tempDir('join-baseline');
  cleanups.add(() => removeTempDir(dataDir));
  try {
    const installed = await installTemplate(t, dataDir, { ...sizes, workspaceUrl: null });
    const relay = await spawnRelay('baseline', { dataDir, nodeArgs });
    cleanups.add(() => relay.stop());
    const peakRss = trackPeakRss(relay, cleanups, 500);

    const t0 = now();
    const cpu0 = relay.cpuSeconds();
    const own0 = process.cpuUsage();
    const client = connectClient(relay.syncUrl(), { storage: new MemoryStorageAdapter() });
    cleanups.add(() => client.close());
    await client.connected();
    // The app keeps asking for the workspace until the relay delivers it.
    let ws: DocHandle<WorkspaceDoc> | null = null;
    for (let attempt = 0; attempt < 20 && !ws; attempt++) ws = await client.repo.find<WorkspaceDoc>(installed.workspaceUrl).catch(() => null);
    if (!ws) throw new Error('the workspace never arrived');
    const titlesMs = now() - t0;
    const doc = ws.doc();
    const urls = [
      ...Object.values(doc?.presets ?? {}).map((e) => storedString(e.url)),
      ...Object.values(doc?.conversations ?? {}).map((e) => storedString(e.url)),
    ] as AutomergeUrl[];
    let arrived = 0;
    let unavailable = 0;
    const deadline = Date.now() + JOIN_TIMEOUT_MS;
    for (let i = 0; i < urls.length; i += BATCH) {
      if (Date.now() > deadline) {
        unavailable += urls.length - i;
        break;
      }
      const results = await Promise.allSettled(urls.slice(i, i + BATCH).map((u) => client.repo.find(u)));
      for (const r of results) {
        if (r.status === 'fulfilled') arrived++;
        else unavailable++;
      }
    }
    const totalMs = now() - t0;
    const own = process.cpuUsage(own0);
    return {
      titlesMs,
      totalMs,
      arrived,
      unavailable,
      expected: installed.entries.length,
      relayPeakRssMb: peakRss(),
      relayCpu: relay.cpuSeconds() - cpu0,
      clientCpu: (own.user + own.system) / 1e6,
    };
  } finally {
    await cleanups.run();
  }
}

export function join(kind: RelayKind, t: Template, sizes: { presets?: number; conversations?: number }, nodeArgs?: string[]): Promise<JoinResult> {
  return kind === 'ours' ? joinOurs(t, sizes, nodeArgs) : joinReference(t, sizes, nodeArgs);
}

export async function newDevice(ctx: BenchContext): Promise<Figure[]> {
  const t = await getTemplate(ctx);
  // Full size: a join moves 5,200 documents (2–4 min each on this machine), so ours runs twice
  // and the reference relay once (the issue sets no ratio target for this figure).
  const runs: Record<RelayKind, number> = ctx.quick ? { ours: 3, baseline: 3 } : { ours: 2, baseline: 1 };
  const sizes = ctx.quick ? { presets: t.presets.length, conversations: 60 } : {};
  const docs = (sizes.presets ?? t.presets.length) + (sizes.conversations ?? t.conversations.length);
  ctx.log(
    `  workspace of ${sizes.presets ?? t.presets.length} presets + ${sizes.conversations ?? t.conversations.length} conversations; warm-up join, then ${runs.ours} runs on ours, ${runs.baseline} on the reference relay`,
  );
  const res: Record<RelayKind, JoinResult[]> = { ours: [], baseline: [] };
  for (const kind of ['ours', 'baseline'] as const) {
    const w = await join(kind, t, ctx.quick ? { presets: 5, conversations: 15 } : { presets: 20, conversations: 180 });
    ctx.log(`  warm-up ${kind}: ${w.arrived}/${w.expected} in ${(w.totalMs / 1000).toFixed(1)} s (CPU relay ${w.relayCpu.toFixed(1)} s / client ${w.clientCpu.toFixed(1)} s)`);
  }
  for (let r = 0; r < Math.max(runs.ours, runs.baseline); r++) {
    for (const kind of r % 2 === 0 ? (['ours', 'baseline'] as const) : (['baseline', 'ours'] as const)) {
      if (r >= runs[kind]) continue;
      let out: JoinResult;
      try {
        out = await join(kind, t, sizes);
      } catch (err) {
        out = { titlesMs: NaN, totalMs: NaN, arrived: 0, unavailable: docs, expected: docs, relayPeakRssMb: NaN, relayCpu: NaN, clientCpu: NaN, error: (err as Error).message };
      }
      res[kind].push(out);
      const bundledNote = out.bundled !== undefined && kind === 'ours' ? `, ${out.bundled} documents pulled (${out.loadChecked} loaded with Automerge as a check in ${out.loadCheckS?.toFixed(1)} s, not counted)` : '';
      ctx.log(
        `  run ${r + 1} ${kind}${bundledNote}: titles after ${(out.titlesMs / 1000).toFixed(2)} s, ${out.arrived}/${out.expected} arrived, ${out.unavailable} unavailable, total ${(out.totalMs / 1000).toFixed(1)} s, relay peak RSS ${out.relayPeakRssMb.toFixed(0)} MB, CPU relay ${out.relayCpu.toFixed(1)} s / client ${out.clientCpu.toFixed(1)} s${out.error ? ` (${out.error})` : ''}`,
      );
    }
  }
  const med = (k: RelayKind, f: (j: JoinResult) => number) => median(res[k].map(f));
  const scaled = ctx.quick ? ` (quick mode: ${docs} documents instead of 5,200)` : '';
  const note = `${docs} documents, Node client doing what the app does (ours: one pull from 0, entries decrypted and kept, 1 in ${LOAD_CHECK_EVERY} loaded as a check; reference: find() 50 at a time); median of ${runs.ours} runs (reference relay: ${runs.baseline})${scaled}`;
  return [
    figure({
      name: 'new-device-total',
      label: `new device: all ${docs} documents arrive`,
      value: round(med('ours', (j) => j.totalMs / 1000)),
      unit: 's',
      // issue 15's target for the app (everything in IndexedDB within 5 s); this is the relay's share of it
      op: '<=',
      limit: 5,
      baseline: round(med('baseline', (j) => j.totalMs / 1000)),
      runs: res.ours.map((j) => round(j.totalMs / 1000)),
      baselineRuns: res.baseline.map((j) => round(j.totalMs / 1000)),
      note,
    }),
    figure({
      name: 'new-device-unavailable',
      label: 'new device: documents "unavailable"',
      value: Math.max(...res.ours.map((j) => j.unavailable)),
      unit: 'docs',
      op: '<=',
      limit: 0,
      baseline: Math.max(...res.baseline.map((j) => j.unavailable)),
      runs: res.ours.map((j) => j.unavailable),
      baselineRuns: res.baseline.map((j) => j.unavailable),
      note: 'worst run',
    }),
    figure({
      name: 'new-device-titles',
      label: 'new device: conversation titles usable',
      value: round(med('ours', (j) => j.titlesMs / 1000), 2),
      unit: 's',
      op: '<=',
      limit: 1,
      baseline: round(med('baseline', (j) => j.titlesMs / 1000), 2),
      runs: res.ours.map((j) => round(j.titlesMs / 1000, 2)),
      baselineRuns: res.baseline.map((j) => round(j.titlesMs / 1000, 2)),
      note: 'connection start → workspace document (index with every title) open',
    }),
    figure({
      name: 'new-device-relay-peak-rss',
      label: 'relay peak RSS while a new device joins',
      value: round(med('ours', (j) => j.relayPeakRssMb), 0),
      unit: 'MB',
      baseline: round(med('baseline', (j) => j.relayPeakRssMb), 0),
      note: 'no target in the issue',
    }),
  ];
}
