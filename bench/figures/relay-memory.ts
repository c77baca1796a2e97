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
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as A from '@automerge/automerge';
import { addConversationEntry, initialWorkspace, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { newChunkId, sealChunk } from '../../shared/sync/chunk-crypto.ts';
import { Cleanups, figure, median, now, round, sleep, tempDir, type BenchContext, type Figure } from '../lib/common.ts';
import { getTemplate } from '../lib/dataset.ts';
import type { Template } from '../lib/seed.ts';
import { spawnRelay, type RelayProc } from '../lib/procs.ts';
import { connectDevice, prepareV2Accounts, type V2Account } from '../lib/v2-accounts.ts';
import { NackError, type V2Client } from '../lib/v2-client.ts';
import { newDocId } from '../lib/v2-device.ts';

const ACCOUNTS = 10;
/** puts in flight per seeding device */
const SEED_WINDOW = 32;

async function rssSample(relay: RelayProc, samples = 5): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < samples; i++) {
    xs.push(relay.rssMb());
    if (i < samples - 1) await sleep(1000);
  }
  return median(xs);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = path.join(dir, name);
      return statSync(p).isDirectory() ? filesUnder(p) : [p];
    });
}

/** A template conversation's stored chunks (NodeFS layout), concatenated: what `A.load` takes. */
function conversationBytes(t: Template, i: number): Uint8Array {
  const id = t.conversations[i % t.conversations.length]!.url.slice('automerge:'.length);
  const parts = filesUnder(path.join(t.dir, 'docs', id.slice(0, 2), id.slice(2))).map((f) => readFileSync(f));
  return new Uint8Array(Buffer.concat(parts));
}

/** A put, retried while the relay answers with a retryable nack (busy). */
async function putRetrying(client: V2Client, doc: string, bytes: Uint8Array, seal: (chunk: string) => Uint8Array): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const chunk = newChunkId();
    try {
      await client.put(doc, chunk, 'snapshot', seal(chunk));
      return;
    } catch (err) {
      if (!(err instanceof NackError) || !err.retryable || attempt >= 50) throw err;
      await sleep(50);
    }
  }
}

/** Uploads the account's workspace and `n` conversations, each one encrypted snapshot. */
async function seedAccount(wsUrl: string, account: V2Account, conversations: Uint8Array[], n: number): Promise<number> {
  const device = await connectDevice(wsUrl, account);
  try {
    const docs: Array<{ id: string; bytes: Uint8Array }> = [];
    let ws = A.from(initialWorkspace('Bench workspace', 1_700_000_000_000) as unknown as Record<string, unknown>) as A.Doc<WorkspaceDoc>;
    const ids = Array.from({ length: n }, () => newDocId());
    ws = A.change(ws, (d) => {
      ids.forEach((id, i) => addConversationEntry(d, `conv${i}`, { url: `automerge:${id}`, title: `Conversation ${i}`, model: 'llama3.2' }, 1_700_000_000_000 + i));
    });
    docs.push({ id: account.workspaceUrl.slice('automerge:'.length), bytes: A.save(ws) });
    ids.forEach((id, i) => docs.push({ id, bytes: conversations[i % conversations.length]! }));
    let next = 0;
    let bytes = 0;
    const worker = async () => {
      while (next < docs.length) {
        const d = docs[next++]!;
        bytes += d.bytes.length;
        await putRetrying(device.client, d.id, d.bytes, (chunk) => sealChunk(account.key, d.id, chunk, 'snapshot', d.bytes));
      }
    };
    await Promise.all(Array.from({ length: SEED_WINDOW }, worker));
    return bytes;
  } finally {
    await device.client.close();
  }
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
  const conversations = Array.from({ length: Math.min(perAccount, t.conversations.length) }, (_, i) => conversationBytes(t, i));

  const t0 = now();
  const seeder = await spawnRelay('ours', { dataDir });
  let seedBytes = 0;
  try {
    const got = await Promise.all(accounts.map((a) => seedAccount(seeder.syncUrl(), a, conversations, perAccount)));
    seedBytes = got.reduce((s, b) => s + b, 0);
  } finally {
    await seeder.stop();
  }
  const seedS = (now() - t0) / 1000;
  ctx.log(`  ${ACCOUNTS} accounts × ${perAccount} conversations uploaded (${(seedBytes / 2 ** 20).toFixed(0)} MB before encryption) in ${seedS.toFixed(1)} s`);

  const relay = await spawnRelay('ours', { dataDir });
  cleanups.add(() => relay.stop());
  const rssStart = await rssSample(relay, 3);
  let peak = rssStart;
  const peakTimer = setInterval(() => {
    try {
      peak = Math.max(peak, relay.rssMb());
    } catch {
      /* exited */
    }
  }, 200);
  cleanups.add(() => clearInterval(peakTimer));

  // One device per account, all at once, each syncing the whole account (pull from 0).
  const t1 = now();
  const devices = await Promise.all(accounts.map((a) => connectDevice(relay.syncUrl(), a)));
  cleanups.add(() => Promise.all(devices.map((d) => d.client.close())));
  const syncS = (now() - t1) / 1000;
  const missing = devices.reduce((s, d) => s + Math.max(0, perAccount + 1 - d.seenDocs.size) + d.failed, 0);
  ctx.log(`  ${devices.reduce((s, d) => s + d.received, 0)} entries synced to ${ACCOUNTS} devices in ${syncS.toFixed(1)} s (${missing} documents missing or not opening)`);
  await sleep(2000);
  const synced = await rssSample(relay);
  clearInterval(peakTimer);

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
