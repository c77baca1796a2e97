/**
 * Relay memory: 10 accounts × N conversation documents stored on the relay (encrypted, one
 * snapshot chunk each, plus the workspace that lists them), then 10 devices (one per account)
 * connect at once to a freshly started relay and sync everything (`pull` from 0: every entry
 * received and decrypted, as a new device does), then leave and the relay is left idle.
 * Measured at two sizes (N and N/10) to show whether memory grows with the number of
 * documents. The relay runs as `npm start` runs it (server/relay-build.mjs); RSS is VmRSS from
 * /proc/PID/status, the median of a few samples a second apart.
 *
 * The documents are the bench's template conversations (bench/lib/seed.ts), uploaded by a
 * device of each account through the protocol into a relay process that is then stopped: the
 * relay measured starts on a data folder that already holds them, with nothing in memory.
 */
import { Cleanups, figure, median, now, round, sleep, tempDir, type BenchContext, type Figure } from '../lib/common.ts';
import { getTemplate } from '../lib/dataset.ts';
import type { Template } from '../lib/seed.ts';
import { spawnRelay, trackPeakRss, type RelayProc } from '../lib/procs.ts';
import { LOAD_ENV } from '../lib/clients.ts';
import { connectDevice, prepareV2Accounts, type V2Account } from '../lib/v2-accounts.ts';
import { newDocId } from '../lib/v2-device.ts';
import { templateDocBytes, uploadDocs, workspaceBytes, type SeedDoc, type WorkspaceEntry } from '../lib/v2-seed.ts';

const ACCOUNTS = 10;
/** The relay logs its heap / external memory this often (server/main.ts LOG_STATS_MS): where the RSS goes. */
const STATS_ENV = { ...LOAD_ENV, LOG_STATS_MS: '1000' };

/** The relay's last "stats:" log line, without its time stamp. */
function lastStats(relay: RelayProc): string {
  const lines = relay.output().split('\n').filter((l) => l.includes('stats: '));
  const last = lines[lines.length - 1];
  return last ? last.slice(last.indexOf('stats: ') + 'stats: '.length) : 'no stats line';
}

async function rssSample(relay: RelayProc, samples = 5): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < samples; i++) {
    xs.push(relay.rssMb());
    if (i < samples - 1) await sleep(1000);
  }
  return median(xs);
}

/** The account's workspace and `n` conversations (template bytes, fresh document ids). */
function accountDocs(account: V2Account, conversations: Uint8Array[], n: number): SeedDoc[] {
  const ids = Array.from({ length: n }, () => newDocId());
  const entries: WorkspaceEntry[] = ids.map((docId, i) => ({ kind: 'conversation', id: `conv${i}`, docId, title: `Conversation ${i}`, model: 'llama3.2' }));
  return [
    { id: account.workspaceUrl.slice('automerge:'.length), bytes: workspaceBytes(entries) },
    ...ids.map((id, i) => ({ id, bytes: conversations[i % conversations.length]! })),
  ];
}

interface SizeResult {
  perAccount: number;
  seedS: number;
  seedMb: number;
  rssStart: number;
  peak: number;
  synced: number;
  idle: number;
  syncS: number;
  /** documents a device did not get, or got but could not open (must be 0) */
  missing: number;
}

async function measureSize(ctx: BenchContext, t: Template, perAccount: number, cleanups: Cleanups): Promise<SizeResult> {
  const dataDir = tempDir(`memory-${perAccount}`);
  const accounts = await prepareV2Accounts(
    dataDir,
    Array.from({ length: ACCOUNTS }, (_, i) => `mem${i}`),
  );
  const conversations = t.conversations.slice(0, perAccount).map((e) => templateDocBytes(t, e));
  const docs = accounts.map((a) => accountDocs(a, conversations, perAccount));
  const seedBytes = docs.flat().reduce((s, d) => s + d.bytes.length, 0);

  const t0 = now();
  const seeder = await spawnRelay('ours', { dataDir, env: LOAD_ENV });
  try {
    await Promise.all(accounts.map((a, i) => uploadDocs(seeder.syncUrl(), a, docs[i]!)));
  } finally {
    await seeder.stop();
  }
  const seedS = (now() - t0) / 1000;
  ctx.log(`  ${ACCOUNTS} accounts × ${perAccount} conversations uploaded (${(seedBytes / 2 ** 20).toFixed(0)} MB before encryption) in ${seedS.toFixed(1)} s`);

  const relay = await spawnRelay('ours', { dataDir, env: STATS_ENV });
  cleanups.add(() => relay.stop());
  const rssStart = await rssSample(relay, 3);
  ctx.log(`  started: ${lastStats(relay)}`);
  const peakRss = trackPeakRss(relay, cleanups, 200, rssStart);

  // One device per account, all at once, each syncing the whole account (pull from 0).
  const t1 = now();
  const devices = await Promise.all(accounts.map((a) => connectDevice(relay.syncUrl(), a)));
  cleanups.add(() => Promise.all(devices.map((d) => d.client.close())));
  const syncS = (now() - t1) / 1000;
  const missing = devices.reduce((s, d) => s + Math.max(0, perAccount + 1 - d.seenDocs.size) + d.failed, 0);
  ctx.log(`  ${devices.reduce((s, d) => s + d.received, 0)} entries synced to ${ACCOUNTS} devices in ${syncS.toFixed(1)} s (${missing} documents missing or not opening)`);
  await sleep(2000);
  const synced = await rssSample(relay);
  const peak = peakRss(); // while syncing, not while the devices leave
  ctx.log(`  synced: ${lastStats(relay)}`);

  await Promise.all(devices.map((d) => d.client.close()));
  // Nothing is loaded per document any more, so there is nothing to unload: wait a little,
  // then until RSS stops falling (garbage collection, freed buffers returned).
  await sleep(ctx.quick ? 3_000 : 10_000);
  let idle = await rssSample(relay, 3);
  for (let i = 0; i < 5; i++) {
    await sleep(3000);
    const next = await rssSample(relay, 3);
    const falling = next < idle - 2;
    idle = Math.min(idle, next);
    if (!falling) break;
  }
  ctx.log(`  idle: ${lastStats(relay)}`);
  await relay.stop();
  ctx.log(`  ${perAccount} per account: RSS start ${rssStart.toFixed(0)} MB, peak ${peak.toFixed(0)} MB, synced (10 devices connected) ${synced.toFixed(0)} MB, idle ${idle.toFixed(0)} MB`);
  return { perAccount, seedS, seedMb: seedBytes / 2 ** 20, rssStart, peak, synced, idle, syncS, missing };
}

export async function relayMemory(ctx: BenchContext): Promise<Figure[]> {
  const large = ctx.quick ? 400 : 2000;
  const small = large / 10;
  const t = await getTemplate(ctx);
  const cleanups = new Cleanups();
  try {
    const s = await measureSize(ctx, t, small, cleanups);
    const l = await measureSize(ctx, t, large, cleanups);
    const scaled = ctx.quick ? ` (quick mode: ${large} per account instead of 2,000)` : '';
    const at = (r: SizeResult) => `${ACCOUNTS} × ${r.perAccount}: start ${round(r.rssStart, 0)} MB, peak ${round(r.peak, 0)} MB, synced ${round(r.synced, 0)} MB, idle ${round(r.idle, 0)} MB; ${round(r.seedMb, 0)} MB of documents, synced in ${round(r.syncS, 1)} s`;
    return [
      figure({
        name: 'relay-rss-synced',
        label: `relay RSS, ${ACCOUNTS} accounts × ${large} docs, ${ACCOUNTS} devices synced`,
        value: round(l.synced, 0),
        unit: 'MB',
        op: '<=',
        limit: 80,
        note: `${at(l)}${scaled}`,
      }),
      figure({
        name: 'relay-rss-idle',
        label: `relay RSS idle after the devices leave (${ACCOUNTS} × ${large} docs stored)`,
        value: round(l.idle, 0),
        unit: 'MB',
        op: '<=',
        limit: 60,
        note: `${at(l)}${scaled}`,
      }),
      figure({
        name: 'relay-rss-growth',
        label: `relay RSS synced, growth from ${ACCOUNTS} × ${small} to ${ACCOUNTS} × ${large} docs`,
        value: round(l.synced - s.synced, 1),
        unit: 'MB',
        // "must not grow with the number of documents": within the run-to-run noise of RSS
        op: '<=',
        limit: 5,
        note: `${at(s)}; ${at(l)}`,
      }),
      figure({
        name: 'relay-memory-missing',
        label: 'relay memory run: documents a device did not get or could not open',
        value: s.missing + l.missing,
        unit: 'docs',
        op: '<=',
        limit: 0,
        note: `of ${ACCOUNTS * (s.perAccount + 1 + l.perAccount + 1)} synced to ${ACCOUNTS} devices at once (one per account), both sizes`,
      }),
    ];
  } finally {
    await cleanups.run();
  }
}
