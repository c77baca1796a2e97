/**
 * The client's encrypted sync engine, end to end: real automerge-repo Repos on real files, the
 * engine over real WebSockets, the real relay (server/) on a temporary DATA_DIR. The legacy
 * move-over is in legacy-move.test.ts.
 */
import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { generateAutomergeUrl, parseAutomergeUrl, stringifyAutomergeUrl, type DocHandle, type DocumentId } from '@automerge/automerge-repo';
import { newWorkspaceKey, newChunkId, sealChunk } from '../../shared/sync/chunk-crypto.ts';
import { syncUrl } from '../../server/relay.ts';
import { memorySyncStateStore } from '../../client/sync/engine/sync-state-store.ts';
import type { LocalChunks } from '../../client/sync/engine/local-chunks.ts';
import { findWhenThere, makeDevice, whenEngine, type Device } from './engine-devices.ts';
import { cleanupAfterEach, sameHeads, waitFor } from './helpers.ts';
import { V2Client, type ReceivedChunk } from './v2-client.ts';
import { filesWithBytes, readableIn } from '../helpers/plaintext-scan.ts';
import { relayChunkName } from '../../shared/sync/chunk-key.ts';
import { sha256 } from '@noble/hashes/sha2.js';

type Note = {
  text: string;
  items?: string[];
};

const { cleanups, tempRelay } = cleanupAfterEach();

/** The real relay with one account; `device()` makes a device of it (the first one's key by default). */
async function setup() {
  const { relay, tmp } = await tempRelay('engine');
  const { account, token } = await relay.accounts.create('alice');
  const key = newWorkspaceKey();
  let workspace: string | null = null;
  const device = (k = key) => {
    const d = makeDevice({ url: syncUrl(relay.url), token }, k, () => workspace);
    cleanups.push(() => d.close());
    return d;
  };
  const first = device();
  const ws = first.repo.create<Note>({ text: 'workspace' });
  workspace = ws.url;
  /** a raw protocol client of the account (what a relay operator or a token thief can do) */
  const raw = async () => {
    const c = await V2Client.connect(relay.url, token);
    cleanups.push(() => c.client.close());
    return c.client;
  };
  /** every live entry the relay serves for the account */
  const entries = async (): Promise<ReceivedChunk[]> => (await (await raw()).pull(0)).chunks;
  /** `writer` stores a note document as one sealed snapshot chunk (a new one when `id` is not given); returns its id */
  const putNote = async (writer: Awaited<ReturnType<typeof raw>>, text: string, id = parseAutomergeUrl(generateAutomergeUrl()).documentId as string): Promise<string> => {
    const chunk = newChunkId();
    expect((await writer.putAndWait(id, chunk, sealChunk(key, id, chunk, 'snapshot', A.save(A.from<Note>({ text }))), { kind: 'snapshot' })).t).toBe('ack');
    return id;
  };
  return { relay, dataDir: tmp.dir, account: account.id, token, key, device, first, raw, entries, putNote };
}

const online = (d: Device) => whenEngine(d.engine!, (s) => s.status === 'online');

async function converged(a: DocHandle<Note>, b: DocHandle<Note>): Promise<void> {
  await waitFor(() => sameHeads(A.getHeads(a.doc()), A.getHeads(b.doc())), 'the two copies to converge');
}

/** Resolves once the device knows the relay holds these documents at their current heads (its uploads acknowledged). */
async function uploaded(account: string, device: Device, ...handles: DocHandle<unknown>[]): Promise<void> {
  await waitFor(async () => {
    const state = await device.state.load(account);
    return handles.every((h) => sameHeads(state.docs.get(h.documentId)?.relayHeads ?? [], A.getHeads(h.doc())));
  }, 'the upload');
}


/** The document ids of each batch `local` is given to store, in order. */
function recordBatches(local: LocalChunks): string[][] {
  const batches: string[][] = [];
  const put = local.put.bind(local);
  local.put = async (chunks) => {
    batches.push(chunks.map((c) => c.documentId));
    await put(chunks);
  };
  return batches;
}
describe('sync engine', () => {
  it('two devices converge on concurrent edits, and the relay only ever holds ciphertext', async () => {
    const { dataDir, raw, device, first } = await setup();
    first.connect();
    await online(first);
    const a = first.repo.create<Note>({ text: 'secret plan', items: [] });
    const second = device();
    second.connect();
    await online(second);
    const b = await findWhenThere<Note>(second.repo, a.url);
    expect(b.doc().text).toBe('secret plan');
    a.change((d) => d.items!.push('from A'));
    b.change((d) => d.items!.push('from B'));
    await converged(a, b);
    expect([...a.doc().items!].sort()).toEqual(['from A', 'from B']);
    // Everything the relay stored, and everything it sends a device of the account.
    const client = await raw();
    await client.pull(0);
    const frames = client.frames.map((f, i) => ({ label: `frame ${i}`, bytes: f.body }));
    const files = await filesWithBytes(dataDir);
    expect(frames.length).toBeGreaterThan(0);
    expect(files.length).toBeGreaterThan(0);
    expect(readableIn([...frames, ...files], ['secret plan', 'from A', 'from B'])).toEqual([]);
  });

  it('edits made offline on both devices are merged when they reconnect', async () => {
    const { account, device, first } = await setup();
    first.connect();
    const second = device();
    second.connect();
    await Promise.all([online(first), online(second)]);
    const a = first.repo.create<Note>({ text: '', items: [] });
    const b = await findWhenThere<Note>(second.repo, a.url);
    second.disconnect();
    a.change((d) => d.items!.push('A while B was away'));
    b.change((d) => d.items!.push('B offline'));
    await uploaded(account, first, a);
    second.connect();
    await converged(a, b);
    expect([...b.doc().items!].sort()).toEqual(['A while B was away', 'B offline']);
  });

  it('a new device gets every document of the account', async () => {
    const { account, device, first } = await setup();
    first.connect();
    await online(first);
    const handles: DocHandle<Note>[] = [];
    for (let i = 0; i < 20; i++) handles.push(first.repo.create<Note>({ text: `doc ${i}` }));
    const urls = handles.map((h) => h.url);
    await uploaded(account, first, ...handles);
    const fresh = device();
    fresh.connect();
    await online(fresh);
    // Everything is in its storage before it opens any of it.
    const ids = await fresh.local.ids();
    for (const u of urls) expect(ids.has(u.slice('automerge:'.length))).toBe(true);
    for (const [i, u] of urls.entries()) expect((await fresh.repo.find<Note>(u)).doc().text).toBe(`doc ${i}`);
  });

  it('a device that received a document while it was closed stores its first edit as a change (no snapshot of the whole document) and uploads only that change', async () => {
    const { account, entries, device, first } = await setup();
    first.connect();
    await online(first);
    // more than 1 KiB saved (automerge-repo compacts anything smaller at every save), on the relay as a snapshot then changes
    const a = first.repo.create<Note>({ text: 'long', items: Array.from({ length: 300 }, (_, i) => `item ${i} ${crypto.randomUUID()}`) });
    await uploaded(account, first, a);
    for (const extra of ['one', 'two']) {
      a.change((d) => d.items!.push(extra));
      await uploaded(account, first, a);
    }
    const fresh = device();
    fresh.connect();
    await online(fresh);
    const onRelay = new Set((await entries()).filter((e) => e.doc === a.documentId).map((e) => e.chunk));
    const writesBefore = fresh.saved.length;

    const b = await fresh.repo.find<Note>(a.url);
    b.change((d) => d.items!.push('from the new device'));
    await fresh.repo.flush();
    const written = fresh.saved.slice(writesBefore).filter((k) => k[0] === b.documentId);
    expect(written.map((k) => k[1])).toContain('incremental');
    expect(written.map((k) => k[1])).not.toContain('snapshot');

    await uploaded(account, fresh, b);
    const added = (await entries()).filter((e) => e.doc === a.documentId && !onRelay.has(e.chunk));
    expect(added.map((e) => e.kind)).toEqual(['change']);
    await converged(a, b);
    expect(a.doc().items!.at(-1)).toBe('from the new device');
  });

  it('a large catch-up is stored in batches in the relay\'s order, the first before the last is opened; every document arrives and lastSeq never passes what is stored', async () => {
    const { account, raw, key, device } = await setup();
    // 100 documents from another device: small enough for the relay to serve them in one frame.
    const writer = await raw();
    const docs: { id: string; text: string }[] = [];
    for (let i = 0; i < 100; i++) {
      const id = parseAutomergeUrl(generateAutomergeUrl()).documentId;
      const text = `doc ${i}`;
      const chunk = newChunkId();
      const answer = await writer.putAndWait(id, chunk, sealChunk(key, id, chunk, 'snapshot', A.save(A.from<Note>({ text }))), { kind: 'snapshot' });
      expect(answer.t).toBe('ack');
      docs.push({ id, text });
    }
    const fresh = device();
    const batches = recordBatches(fresh.local);
    const state = fresh.state;
    const savedSeqs: { lastSeq: number; storedBefore: number }[] = [];
    const saveAccount = state.saveAccount.bind(state);
    state.saveAccount = async (acc, s) => {
      savedSeqs.push({ lastSeq: s.lastSeq, storedBefore: batches.flat().length });
      await saveAccount(acc, s);
    };
    fresh.connect();
    await online(fresh);

    expect(batches.length).toBeGreaterThan(1);
    // in the relay's order (seq i + 1 is docs[i]): the first documents were written before the last were opened
    expect(batches.flat()).toEqual(docs.map((d) => d.id));
    for (const saved of savedSeqs) expect(saved.lastSeq).toBeLessThanOrEqual(saved.storedBefore);
    expect((await fresh.state.load(account)).lastSeq).toBe(100);
    for (const d of docs) expect((await fresh.repo.find<Note>(stringifyAutomergeUrl({ documentId: d.id as DocumentId }))).doc().text).toBe(d.text);
  });

  it('in a catch-up, a chunk for a document open here (awaited, as pairing awaits the workspace) ends its batch: stored and applied before the rest of the frame is opened', async () => {
    const { raw, putNote, device } = await setup();
    const writer = await raw();
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await putNote(writer, `doc ${i}`));
    const fresh = device();
    const batches = recordBatches(fresh.local);
    // A first full load in the process is slow (the Automerge module warming up): it would end a batch on time alone.
    A.free(A.load(A.save(A.from<Note>({ text: 'warm-up' }))));
    // The third document is awaited here before it exists on this device (its handle is left unavailable).
    const awaited = stringifyAutomergeUrl({ documentId: ids[2] as DocumentId });
    await expect(fresh.repo.find<Note>(awaited)).rejects.toThrow();
    fresh.connect();
    await online(fresh);
    expect(batches[0]).toEqual(ids.slice(0, 3));
    expect(batches.flat()).toEqual(ids);
    expect((await findWhenThere<Note>(fresh.repo, awaited)).doc().text).toBe('doc 2');
  });

  it('in a catch-up, chunks of documents awaited here one after the other (the presets a list shows) share one batch, which ends after the last of them', async () => {
    const { raw, putNote, device } = await setup();
    const writer = await raw();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await putNote(writer, `doc ${i}`));
    const fresh = device();
    const batches = recordBatches(fresh.local);
    A.free(A.load(A.save(A.from<Note>({ text: 'warm-up' }))));
    const awaited = ids.slice(2, 6).map((id) => stringifyAutomergeUrl({ documentId: id as DocumentId }));
    for (const url of awaited) await expect(fresh.repo.find<Note>(url)).rejects.toThrow();
    fresh.connect();
    await online(fresh);
    expect(batches[0]).toEqual(ids.slice(0, 6));
    expect(batches.flat()).toEqual(ids);
    for (const [i, url] of awaited.entries()) expect((await findWhenThere<Note>(fresh.repo, url)).doc().text).toBe(`doc ${i + 2}`);
  });

  it('a document awaited here whose chunks arrive together is loaded once, with all of them', async () => {
    const { raw, key, device } = await setup();
    const writer = await raw();
    const id = parseAutomergeUrl(generateAutomergeUrl()).documentId;
    const base = A.from<Note>({ text: 'first', items: [] });
    const edited = A.change(A.clone(base), (d) => d.items!.push('second'));
    const chunks: [Uint8Array, 'snapshot' | 'change'][] = [[A.save(base), 'snapshot'], [A.saveSince(edited, A.getHeads(base)), 'change']];
    for (const [bytes, kind] of chunks) {
      const chunk = newChunkId();
      expect((await writer.putAndWait(id, chunk, sealChunk(key, id, chunk, kind, bytes), { kind })).t).toBe('ack');
    }
    const fresh = device();
    const url = stringifyAutomergeUrl({ documentId: id as DocumentId });
    await expect(fresh.repo.find<Note>(url)).rejects.toThrow();
    const handle = fresh.repo.handles[id as DocumentId] as DocHandle<Note>;
    let loads = 0;
    handle.on('change', () => loads++);
    fresh.connect();
    await online(fresh);
    await handle.whenReady();
    expect(handle.doc().text).toBe('first');
    expect([...handle.doc().items!]).toEqual(['second']);
    expect(loads).toBe(1);
  });

  it('the workspace reaches a new device before any other document, wherever its chunks are in the log; lastSeq never passes what is stored, and ends at the log\'s head', async () => {
    const { account, raw, key, putNote, device } = await setup();
    const writer = await raw();
    // The account claimed with its workspace, which was last written after 40 other documents.
    const workspace = parseAutomergeUrl(generateAutomergeUrl()).documentId;
    writer.send({ t: 'set-key', keyId: key.keyId, workspace: stringifyAutomergeUrl({ documentId: workspace }) });
    await writer.next('key-set');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await putNote(writer, `doc ${i}`));
    await putNote(writer, 'the workspace', workspace);
    const fresh = device();
    const batches = recordBatches(fresh.local);
    const savedSeqs: { lastSeq: number; storedBefore: number }[] = [];
    const saveAccount = fresh.state.saveAccount.bind(fresh.state);
    fresh.state.saveAccount = async (acc, s) => {
      savedSeqs.push({ lastSeq: s.lastSeq, storedBefore: batches.flat().length });
      await saveAccount(acc, s);
    };
    fresh.connect();
    await online(fresh);
    expect(batches[0]).toEqual([workspace]);
    expect(batches.flat().sort()).toEqual([workspace, ...ids].sort());
    // every seq up to lastSeq names a stored document: the workspace's seq (41) never moved it early
    for (const saved of savedSeqs) expect(saved.lastSeq).toBeLessThanOrEqual(saved.storedBefore);
    expect((await fresh.state.load(account)).lastSeq).toBe(41);
    expect((await findWhenThere<Note>(fresh.repo, stringifyAutomergeUrl({ documentId: workspace as DocumentId }))).doc().text).toBe('the workspace');
  });

  it('compaction replaces a document\'s chunks on the relay by one snapshot, and its content stays identical', async () => {
    const { account, entries, device, first } = await setup();
    first.connect({ compactAfter: 4 });
    await online(first);
    const a = first.repo.create<Note>({ text: '', items: [] });
    for (let i = 0; i < 12; i++) {
      a.change((d) => d.items!.push(`item ${i}`));
      await uploaded(account, first, a);
    }
    // 13 chunks were uploaded (the document, then 12 changes); compactions leave at most a few.
    await waitFor(async () => (await entries()).filter((e) => e.doc === a.documentId).some((e) => e.kind === 'snapshot' && e.seq > 5), 'a compaction');
    const live = (await entries()).filter((e) => e.doc === a.documentId);
    expect(live.length).toBeLessThanOrEqual(5);
    const fresh = device();
    fresh.connect();
    await online(fresh);
    const b = await findWhenThere<Note>(fresh.repo, a.url);
    expect(b.doc()).toEqual(a.doc());
    expect(sameHeads(A.getHeads(b.doc()), A.getHeads(a.doc()))).toBe(true);
  });

  it('a device with another key is told so and uploads and merges nothing', async () => {
    const { account, entries, device, first } = await setup();
    first.connect();
    await online(first);
    const a = first.repo.create<Note>({ text: 'only for the right key' });
    await uploaded(account, first, a);
    const stranger = device(newWorkspaceKey());
    const own = stranger.repo.create<Note>({ text: 'stranger' });
    await stranger.repo.flush();
    const before = (await entries()).length;
    stranger.connect();
    await whenEngine(stranger.engine!, (s) => s.status === 'key-mismatch');
    expect((await entries()).length).toBe(before);
    expect((await stranger.local.ids()).has(a.documentId)).toBe(false);
    expect(stranger.ledger.isUnsynced(own.documentId)).toBe(true);
  });

  it('bit-flipped, replayed-into-another-document, foreign-key and junk chunks are rejected and merge nothing', async () => {
    const { account, raw, entries, key, device, first } = await setup();
    first.connect();
    await online(first);
    const a = first.repo.create<Note>({ text: 'original' });
    const other = first.repo.create<Note>({ text: 'other' });
    await uploaded(account, first, a, other);
    const second = device();
    second.connect();
    await online(second);
    const b = await findWhenThere<Note>(second.repo, a.url);
    const o = await findWhenThere<Note>(second.repo, other.url);
    const headsB = A.getHeads(b.doc());
    const headsO = A.getHeads(o.doc());

    // Whoever holds the token (or runs the relay) puts chunks of its own.
    const attacker = await raw();
    const evil = A.change(A.clone(a.doc()), (d) => (d.text = 'tampered'));
    const change = A.saveSince(evil, A.getHeads(a.doc()));
    const flippedId = newChunkId();
    const flipped = sealChunk(key, a.documentId, flippedId, 'change', change);
    flipped[flipped.length - 3]! ^= 1;
    const genuine = (await entries()).find((e) => e.doc === a.documentId)!;
    const foreignId = newChunkId();
    const junkId = newChunkId();
    const answers = await Promise.all([
      attacker.putAndWait(a.documentId, flippedId, flipped),
      // a genuine chunk of `a`, replayed under the other document
      attacker.putAndWait(other.documentId, genuine.chunk, genuine.bytes, { kind: genuine.kind }),
      attacker.putAndWait(a.documentId, foreignId, sealChunk(newWorkspaceKey(), a.documentId, foreignId, 'change', change)),
      // the right key, but not Automerge
      attacker.putAndWait(a.documentId, junkId, sealChunk(key, a.documentId, junkId, 'change', new TextEncoder().encode('not automerge'))),
    ]);
    expect(answers.map((x) => x.t)).toEqual(['ack', 'ack', 'ack', 'ack']);

    const s = await whenEngine(second.engine!, (x) => x.rejected >= 4);
    expect(s.rejected).toBe(4);
    expect(s.status).toBe('online');
    expect(b.doc().text).toBe('original');
    expect(sameHeads(A.getHeads(b.doc()), headsB)).toBe(true);
    expect(sameHeads(A.getHeads(o.doc()), headsO)).toBe(true);
    // A good edit still goes through afterwards.
    a.change((d) => (d.text = 'edited'));
    await waitFor(() => b.doc().text === 'edited', 'the good edit');
  });

  it('a sealed chunk whose Automerge checksum holds over a body that does not load is refused: stored then removed for a document not open, at once for an open one, by its import for one awaited here; the document still loads', async () => {
    const { account, raw, key, device, first } = await setup();
    first.connect();
    await online(first);
    const a = first.repo.create<Note>({ text: 'original' });
    const other = first.repo.create<Note>({ text: 'other' });
    await uploaded(account, first, a, other);
    // What a key holder's broken build could upload: a change chunk with a right checksum over junk.
    const body = new TextEncoder().encode('not columns');
    const head = Uint8Array.of(1, body.length);
    const sum = sha256(new Uint8Array([...head, ...body])).subarray(0, 4);
    const forged = new Uint8Array([0x85, 0x6f, 0x4a, 0x83, ...sum, ...head, ...body]);
    const attacker = await raw();
    const forgedOther = newChunkId();
    expect((await attacker.putAndWait(other.documentId, forgedOther, sealChunk(key, other.documentId, forgedOther, 'change', forged))).t).toBe('ack');

    const second = device();
    second.connect();
    await online(second);
    await whenEngine(second.engine!, (x) => x.rejected >= 1);
    expect(await second.local.load(other.documentId, relayChunkName(forgedOther))).toBeUndefined();
    expect((await findWhenThere<Note>(second.repo, other.url)).doc().text).toBe('other');

    const b = await findWhenThere<Note>(second.repo, a.url);
    const headsB = A.getHeads(b.doc());
    const forgedA = newChunkId();
    expect((await attacker.putAndWait(a.documentId, forgedA, sealChunk(key, a.documentId, forgedA, 'change', forged))).t).toBe('ack');
    const s = await whenEngine(second.engine!, (x) => x.rejected >= 2);
    expect(s.rejected).toBe(2);
    expect(s.status).toBe('online');
    expect(await second.local.load(a.documentId, relayChunkName(forgedA))).toBeUndefined();
    expect(sameHeads(A.getHeads(b.doc()), headsB)).toBe(true);
    a.change((d) => (d.text = 'edited'));
    await waitFor(() => b.doc().text === 'edited', 'the good edit');

    // A document awaited here before any of it arrived (as pairing awaits the workspace): its
    // handle waits with nothing in it, and the import is the chunk's full load.
    const awaited = parseAutomergeUrl(generateAutomergeUrl()).documentId;
    const awaitedUrl = stringifyAutomergeUrl({ documentId: awaited });
    await expect(second.repo.find<Note>(awaitedUrl)).rejects.toThrow();
    const forgedAwaited = newChunkId();
    expect((await attacker.putAndWait(awaited, forgedAwaited, sealChunk(key, awaited, forgedAwaited, 'change', forged))).t).toBe('ack');
    expect((await whenEngine(second.engine!, (x) => x.rejected >= 3)).rejected).toBe(3);
    expect(await second.local.load(awaited, relayChunkName(forgedAwaited))).toBeUndefined();
    expect(second.repo.handles[awaited]?.isReady()).toBe(false);
    const genuine = newChunkId();
    expect((await attacker.putAndWait(awaited, genuine, sealChunk(key, awaited, genuine, 'snapshot', A.save(A.from<Note>({ text: 'awaited' }))), { kind: 'snapshot' })).t).toBe('ack');
    expect((await findWhenThere<Note>(second.repo, awaitedUrl)).doc().text).toBe('awaited');
    expect(second.engine!.snapshot().rejected).toBe(3);
  });

  it('a duplicated upload is stored once, and entries served again change nothing', async () => {
    const { account, raw, entries, device, first } = await setup();
    first.connect();
    await online(first);
    const a = first.repo.create<Note>({ text: 'once', items: [] });
    await uploaded(account, first, a);
    const second = device();
    second.connect();
    await online(second);
    const b = await findWhenThere<Note>(second.repo, a.url);
    const heads = A.getHeads(b.doc());
    const before = await entries();
    const entry = before.find((e) => e.doc === a.documentId)!;
    const again = await (await raw()).putAndWait(entry.doc, entry.chunk, entry.bytes, { kind: entry.kind });
    expect(again).toMatchObject({ t: 'ack', seq: entry.seq, duplicate: true });
    expect((await entries()).length).toBe(before.length);
    // The device forgets what it pulled and gets the whole log again: nothing changes.
    second.state = memorySyncStateStore();
    const engine = second.connect();
    await online(second);
    expect(sameHeads(A.getHeads(b.doc()), heads)).toBe(true);
    expect(engine.snapshot().rejected).toBe(0);
  });

  it('a fresh account is claimed with this device\'s key (made if it has none)', async () => {
    const { relay, tmp } = await tempRelay('engine-claim');
    void tmp;
    const { account, token } = await relay.accounts.create('bob');
    let workspace: string | null = null;
    const d = makeDevice({ url: syncUrl(relay.url), token }, null, () => workspace);
    cleanups.push(() => d.close());
    const ws = d.repo.create<Note>({ text: 'ws' });
    workspace = ws.url;
    await d.repo.flush();
    d.connect();
    await online(d);
    expect(d.key).not.toBeNull();
    const stored = await relay.accounts.byToken(token);
    expect(stored?.keyId).toBe(d.key!.keyId);
    expect(stored?.workspaceUrl).toBe(workspace);
    await uploaded(account.id, d, ws);
  });

  it('close codes: too many connections for the account retries until a slot is free; a rotated token stops for good', async () => {
    const { relay, tmp } = await tempRelay('engine-close', { limits: { maxConnectionsPerAccount: 1 } });
    void tmp;
    const { token } = await relay.accounts.create('alice');
    let workspace: string | null = null;
    const d = makeDevice({ url: syncUrl(relay.url), token }, newWorkspaceKey(), () => workspace);
    cleanups.push(() => d.close());
    workspace = d.repo.create<Note>({ text: 'ws' }).url;
    // Another socket of the account holds its only slot.
    const other = await V2Client.connect(relay.url, token);
    d.connect();
    await whenEngine(d.engine!, (s) => s.status === 'too-many');
    other.client.close();
    await online(d);
    await relay.accounts.rotate('alice');
    await whenEngine(d.engine!, (s) => s.status === 'refused');
  });
});
