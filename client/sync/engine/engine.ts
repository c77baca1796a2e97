/**
 * The device's encrypted sync with the relay: a plain service (no Solid), every dependency
 * passed in, so the same code runs in the app and in Node tests against a real relay.
 *
 * Invariants:
 *  - Nothing leaves the device unencrypted: every chunk is sealed with the workspace key,
 *    bound to its document id, chunk id and kind.
 *  - Nothing is merged that does not open with this device's key for that document, or is not
 *    valid Automerge; such a chunk is counted (`rejected`) and skipped, never fatal. A chunk for
 *    a document not open here is stored once its Automerge structure and checksums hold, and
 *    loaded fully afterwards, off the catch-up's path: one that does not load is then removed
 *    from storage and counted (see verifyStored).
 *  - `lastSeq` is saved only after every entry it covers is in local storage.
 *  - A document stays marked for upload until the relay acknowledged a chunk computed at its
 *    current heads; a document's `relayHeads` only ever name heads the relay holds.
 *  - With a key other than the account's, the device uploads and merges nothing.
 *
 * Long on purpose: upload, catch-up, live frames and compaction share one session's state and the
 * invariants above; the parts that need none of it live beside it (relay-socket, upload-plan,
 * chunk-structure, sync-state-store, local-chunks).
 */
import * as A from '@automerge/automerge';
import { stringifyAutomergeUrl, type DocHandle, type DocumentId, type Repo } from '@automerge/automerge-repo';
import { PART_BYTES, MAX_COVERS, type ChunkKind, type Frame, type NackCode, type RelayHeader } from '../../../shared/sync/protocol.ts';
import { newChunkId, newWorkspaceKey, openChunk, openEphemeral, sealChunk, sealEphemeral, type WorkspaceKey } from '../../../shared/sync/chunk-crypto.ts';
import type { SyncStatus } from '../sync-status.ts';
import { openRelayLink, LIMIT_RETRY_MS, type RelayLink, type RelayLinkEvents, type SocketFactory } from './relay-socket.ts';
import type { AccountSyncState, DocSyncState, SyncStateStore } from './sync-state-store.ts';
import type { LocalChunks, ReceivedChunk } from './local-chunks.ts';
import { ChunkAssembler, type WholeEntry } from './chunk-assembler.ts';
import { relayChunkName } from '../../../shared/sync/chunk-key.ts';
import { chunkFor, compactionDue, knownRelayHeads, planUploads, sameHeads } from './upload-plan.ts';
import { receivedHeads } from './chunk-heads.ts';
import { importIntoOpenDoc, type Imported } from '../../repo/import-into-open-doc.ts';
import { chunkStructure } from './chunk-structure.ts';
import { concatBytes } from '@noble/hashes/utils.js';

/** Documents marked for upload (the storage wrapper marks a document each time it saves it). */
export interface DirtyDocs {
  isUnsynced(id: string): boolean;
  unsyncedIds(): string[];
  markUnsynced(id: string): void;
  markSynced(id: string): void;
  onMarked(fn: (id: string) => void): () => void;
}

/** A legacy account's move-over (see docs/architecture.md): its readable documents, then the all-clear. */
export interface LegacyMigration {
  /** Downloads the account's old documents into local storage; true when complete. */
  download(): Promise<boolean>;
  /** Tells the relay every document is uploaded encrypted; true when it agreed. */
  done(): Promise<boolean>;
}

export interface SyncEngineDeps {
  repo: Repo;
  local: LocalChunks;
  dirty: DirtyDocs;
  state: SyncStateStore;
  socket: SocketFactory;
  relay: { url: string; token: string };
  /** this device's workspace key, null if it has none yet */
  key: WorkspaceKey | null;
  /** keeps the key this device made to claim a fresh account (before it is claimed) */
  saveKey(key: WorkspaceKey): void;
  /** the workspace a fresh account is claimed with */
  workspaceUrl(): string | null;
  legacy?: LegacyMigration;
  /** a document's chunk count on the relay past which it is compacted */
  compactAfter?: number;
  /** told of each frame that moved data, for "last synced" */
  onActivity?(): void;
}

export interface EngineSnapshot {
  status: SyncStatus;
  /** other devices of the account connected now */
  peers: number;
  /** chunks that did not open or were not valid documents: never merged */
  rejected: number;
  /** chunks the relay refused for good (too large…): kept on this device, still marked */
  refused: number;
  /** while catching up: entries applied and entries to go (null otherwise) */
  catchUp: { done: number; total: number } | null;
  /** a legacy account's documents are being moved over */
  migrating: boolean;
}

export interface SyncEngine {
  snapshot(): EngineSnapshot;
  /** told after every change of the snapshot */
  onChange(fn: (s: EngineSnapshot) => void): () => void;
  /** Sends an encrypted ephemeral message to the account's other devices; false when not connected. */
  sendEphemeral(doc: string | undefined, message: Uint8Array): boolean;
  onEphemeral(fn: (doc: string | undefined, message: Uint8Array, from: string) => void): () => void;
  stop(): void;
}

const MAX_UPLOADS = 8;
const RETRY_UPLOAD_MS = 5_000;
const COMPACT_AFTER = 32;
/** A catch-up batch ends after this much time opening entries, or this many entries. */
const BATCH_MS = 100;
const BATCH_MAX = 64;

/**
 * How a chunk that passed the structural check gets its full Automerge load: `done` before it
 * was stored; `later` once the catch-up has time (verifyStored); `import` by the import into a
 * handle waiting for the document (nothing in it yet), whose load it is: importing into an empty
 * document is `loadIncremental` into an empty document, the same verdict as isValidAutomerge's
 * fallback, without a second full load on the way to the person waiting; `now` at import time.
 */
type FullCheck = 'done' | 'later' | 'import' | 'now';

type PutAnswer = { ok: true; seq: number } | { ok: false; code: NackCode | 'gone'; retryable: boolean; message: string };

/**
 * Whether the repo can load these bytes (it joins a document's chunks and `loadIncremental`s
 * them into an empty document). `A.load` builds a snapshot straight from its columns, with less
 * work than `loadIncremental` into an empty document (1.2–2× less CPU measured on conversations),
 * through the same chunk parser (a change chunk whose dependencies are in other chunks needs
 * `allowMissingChanges`);
 * what it refuses still gets `loadIncremental`'s verdict, so nothing accepted before is refused.
 * The document built is freed at once: only the verdict is kept.
 */
function isValidAutomerge(bytes: Uint8Array): boolean {
  try {
    A.free(A.load(bytes, { allowMissingChanges: true }));
    return true;
  } catch {
    /* falls through to the repo's own way of loading */
  }
  try {
    A.free(A.loadIncremental(A.init(), bytes));
    return true;
  } catch {
    return false;
  }
}

export function startSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const { repo, dirty, state } = deps;
  const compactAfter = deps.compactAfter ?? COMPACT_AFTER;
  let key = deps.key;

  let snap: EngineSnapshot = { status: 'connecting', peers: 0, rejected: 0, refused: 0, catchUp: null, migrating: false };
  const listeners = new Set<(s: EngineSnapshot) => void>();
  const ephListeners = new Set<(doc: string | undefined, message: Uint8Array, from: string) => void>();
  const set = (patch: Partial<EngineSnapshot>) => {
    snap = { ...snap, ...patch };
    for (const fn of listeners) fn(snap);
  };

  // One session per authenticated socket; async work of an ended session changes nothing.
  let session = 0;
  let account: string | null = null;
  /** the account still has the previous relay's readable documents (welcome.legacy) */
  let legacy = false;
  let acc: AccountSyncState | null = null;
  /** the account's workspace document (welcome): pulled ahead of the rest, as it lists everything */
  let workspaceDoc: string | null = null;
  let keyOk = false;
  let caughtUp = false;
  let catchUpFrom = 0;
  let catchUpTo = 0;
  let stopped = false;
  const assembler = new ChunkAssembler();
  const answers = new Map<number, (a: PutAnswer) => void>();
  let nextPut = 1;
  const uploading = new Set<string>();
  /** refused for good this session: not retried until the next connection */
  const refusedDocs = new Set<string>();
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pausedUntil = 0;
  /** the documents a full upload (new account, migration) still waits for */
  let pendingAll: Set<string> | null = null;
  let pendingAllLegacy = false;
  let frames: Promise<void> = Promise.resolve();

  const docState = (id: string): DocSyncState => {
    let d = acc!.docs.get(id);
    if (!d) acc!.docs.set(id, (d = { relayHeads: [], chunks: [] }));
    return d;
  };

  const endSession = () => {
    session++;
    keyOk = false;
    caughtUp = false;
    assembler.clear();
    pendingAll = null;
    for (const answer of answers.values()) answer({ ok: false, code: 'gone', retryable: true, message: 'disconnected' });
    answers.clear();
  };

  const events: RelayLinkEvents = {
    connecting() {
      endSession();
      set({ status: 'connecting', catchUp: null });
    },
    frame(frame) {
      const s = session;
      const h = frame.header;
      // Answers and ephemeral traffic are not held behind the ordered work below.
      switch (h.t) {
        case 'ack':
          answers.get(h.id)?.({ ok: true, seq: h.seq });
          answers.delete(h.id);
          deps.onActivity?.();
          return;
        case 'nack':
          answers.get(h.id)?.({ ok: false, code: h.code, retryable: h.retryable, message: h.message });
          answers.delete(h.id);
          return;
        case 'presence':
          set({ peers: h.peers });
          return;
        case 'eph':
          receiveEphemeral(h.doc, frame.body, h.from);
          return;
        case 'error':
          return; // the close code that follows says what it means
      }
      frames = frames
        .then(() => (s === session ? ordered(frame) : undefined))
        .catch((err: unknown) => {
          // A local write failed: this socket starts over, nothing past the failure is acknowledged locally.
          console.error('sync: could not apply what the relay sent', err);
          if (s === session) restart();
        });
    },
    down(why) {
      endSession();
      const status: SyncStatus = why;
      set({ status, catchUp: null, peers: 0 });
    },
  };
  let current: RelayLink = openRelayLink(deps.relay.url, deps.relay.token, deps.socket, events);
  // A failed local write ends the link; a fresh one starts over from the saved lastSeq.
  const restart = () => {
    current.stop();
    endSession();
    set({ status: 'connecting', catchUp: null });
    if (!stopped) current = openRelayLink(deps.relay.url, deps.relay.token, deps.socket, events);
  };

  async function ordered(frame: Frame<RelayHeader>): Promise<void> {
    const h = frame.header;
    const s = session;
    if (h.t === 'welcome') {
      account = h.account;
      legacy = h.legacy === true;
      workspaceDoc = h.workspace ? h.workspace.slice('automerge:'.length) : null;
      set({ peers: h.peers });
      acc = await state.load(h.account);
      if (s !== session) return;
      catchUpFrom = acc.lastSeq;
      catchUpTo = h.head;
      if (h.keyId === null) {
        // A fresh account: this device's key becomes the account's (first claim wins).
        const workspace = deps.workspaceUrl();
        if (!workspace) return; // nothing to claim with yet; the next connection tries again
        if (!key) {
          key = newWorkspaceKey();
          deps.saveKey(key);
        }
        current.send({ t: 'set-key', keyId: key.keyId, workspace });
        return;
      }
      if (!key || key.keyId !== h.keyId) return set({ status: 'key-mismatch' });
      return begin(s);
    }
    if (h.t === 'key-set') {
      if (!key || h.keyId !== key.keyId) return set({ status: 'key-mismatch' });
      return begin(s);
    }
    if (!keyOk || !acc) return;
    if (h.t === 'entries') return applyEntries(s, frame as Frame<Extract<RelayHeader, { t: 'entries' }>>);
    if (h.t === 'caught-up') {
      // Every entry up to `seq` came before this frame and is stored: the log's place moves there,
      // past the seqs the pull sent ahead (and any dropped at the end), so they are not sent again.
      if (h.seq > acc.lastSeq && assembler.lowestOpen() === null) {
        acc.lastSeq = h.seq;
        await state.saveAccount(account!, { lastSeq: acc.lastSeq, uploadedAll: acc.uploadedAll });
        if (s !== session) return;
      }
      caughtUp = true;
      set({ status: 'online', catchUp: null });
      pump();
    }
  }

  function begin(s: number): void {
    keyOk = true;
    current.send({ t: 'pull', since: acc!.lastSeq, ...(workspaceDoc ? { first: [workspaceDoc] } : {}) });
    if (catchUpTo > catchUpFrom) set({ catchUp: { done: 0, total: catchUpTo - catchUpFrom } });
    const failed = (err: unknown) => console.error('sync: could not list this device\'s documents for upload', err);
    if (legacy && deps.legacy) migrate(s).catch(failed);
    else if (!acc!.uploadedAll) uploadEverything(s, false).catch(failed);
  }

  async function migrate(s: number): Promise<void> {
    set({ migrating: true });
    const complete = await deps.legacy!.download().catch(() => false);
    if (s !== session) return;
    // What arrived is kept and uploaded; an incomplete download is tried again at the next connection.
    await uploadEverything(s, complete);
  }

  /** Marks every local document for upload; once all are acknowledged the account has them all. */
  async function uploadEverything(s: number, legacyDone: boolean): Promise<void> {
    // Documents that only ever came from the relay are on it already: uploading them would echo them back.
    const ids = await deps.local.ids(true);
    if (s !== session) return;
    pendingAll = new Set(ids);
    pendingAllLegacy = legacyDone;
    for (const id of ids) dirty.markUnsynced(id);
    await checkAllUploaded(s);
  }

  async function checkAllUploaded(s: number): Promise<void> {
    if (!pendingAll || pendingAll.size > 0 || s !== session || !acc) return;
    pendingAll = null;
    if (pendingAllLegacy && deps.legacy) {
      const ok = await deps.legacy.done().catch(() => false);
      if (!ok || s !== session) return;
    } else if (snap.migrating) {
      return; // the download was incomplete: the next connection migrates again
    }
    acc.uploadedAll = true;
    await state.saveAccount(account!, { lastSeq: acc.lastSeq, uploadedAll: true });
    set({ migrating: false });
  }

  async function applyEntries(s: number, frame: Frame<Extract<RelayHeader, { t: 'entries' }>>): Promise<void> {
    const k = key!;
    const a = acc!;
    // Entries sent ahead (the workspace) are stored like any other, but their seqs are no place in
    // the log: what lies before them is still to come, so they never move lastSeq.
    const inOrder = frame.header.ahead !== true;
    const whole: WholeEntry[] = [];
    let bad = 0;
    let maxSeq = a.lastSeq;
    const reached = (seq: number) => {
      if (inOrder) maxSeq = Math.max(maxSeq, seq);
    };
    let at = 0;
    for (const e of frame.header.entries) {
      const body = frame.body.subarray(at, at + e.len);
      at += e.len;
      const r = assembler.push(e, body);
      if (r === 'bad') {
        bad++;
        reached(e.seq);
      } else if (r) whole.push(r);
    }
    // Opened, stored and applied in batches: a large catch-up makes its first documents (the
    // relay serves them in upload order, the workspace among the first) usable while the rest is
    // still being opened, and each batch is still one transaction. A chunk for a document open
    // here ends its batch: someone is waiting for it (pairing waits for the workspace). Unless
    // the next one is awaited too (the presets a list shows): they share one transaction.
    const touched = new Map<string, DocSyncState>();
    for (let i = 0; i < whole.length; ) {
      const good: (ReceivedChunk & { chunk: string; check: FullCheck })[] = [];
      const started = performance.now();
      let awaited = false;
      for (; i < whole.length && !(awaited && !isOpen(whole[i]!.doc)) && good.length < BATCH_MAX && !(good.length && performance.now() - started >= BATCH_MS); i++) {
        const w = whole[i]!;
        reached(w.seq);
        if (a.docs.get(w.doc)?.chunks.includes(w.chunk)) continue; // served again: already here
        const plain = openChunk(k, w.doc, w.chunk, w.kind, w.sealed);
        const structure = plain ? chunkStructure(plain) : 'bad';
        // A document open here takes the chunk at once: it is loaded fully first, or, when its
        // handle waits with nothing in it, by the import itself. Others are loaded fully later
        // (verifyStored), so the catch-up stores them at the speed of a hash.
        const check: FullCheck = structure !== 'ok' ? 'done' : !isOpen(w.doc) ? 'later' : isWaiting(w.doc) ? 'import' : 'done';
        if (!plain || structure === 'bad' || (check === 'done' && !isValidAutomerge(plain))) {
          bad++;
          continue;
        }
        const name = relayChunkName(w.chunk);
        good.push({ documentId: w.doc, name, data: plain, chunk: w.chunk, check });
        awaited = check !== 'later';
      }
      if (good.length === 0) continue;
      // Durable first (lastSeq must never pass what storage lacks), then into open documents.
      await deps.local.put(good);
      if (s !== session) return;
      const batch = new Map<string, DocSyncState>();
      let slice = performance.now();
      /** chunks imported with an earlier one of their document */
      const joined = new Set<(typeof good)[number]>();
      for (const [at, c] of good.entries()) {
        if (joined.has(c)) continue;
        // Imports into open documents load them: the page gets the thread between slices of them.
        if (performance.now() - slice >= BATCH_MS) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          if (s !== session) return;
          slice = performance.now();
        }
        // The handle may have been opened, filled or closed since the chunk was opened.
        let check = c.check;
        if (check !== 'done') check = !isOpen(c.documentId) ? 'later' : isWaiting(c.documentId) ? 'import' : 'now';
        if (check === 'later') unverified.push({ doc: c.documentId, name: c.name });
        else if (check === 'now' && !isValidAutomerge(c.data)) {
          await quarantine(c.documentId, c.name);
          bad++;
          continue;
        }
        const d = docState(c.documentId);
        // A waiting document's other chunks in this batch go in with this one: one load of them
        // all, as the repo loads a document from storage, not a full check and a load for each.
        const group = check === 'import' ? [c, ...good.slice(at + 1).filter((o) => o.documentId === c.documentId && o.check === 'import')] : [c];
        for (const o of group) joined.add(o);
        let imported: Imported | null;
        let taken = group;
        try {
          imported = importIntoOpenDoc(repo, c.documentId as DocumentId, group.length === 1 ? c.data : concatBytes(...group.map((o) => o.data)));
        } catch (err) {
          // Refused by the import, which was their full load: the waiting handle is left as it
          // was. Each chunk is then checked on its own; the ones that load go in.
          if (check !== 'import') throw err;
          taken = [];
          for (const o of group) {
            if (isValidAutomerge(o.data)) taken.push(o);
            else {
              await quarantine(o.documentId, o.name);
              bad++;
            }
          }
          imported = null;
          for (const o of taken) importIntoOpenDoc(repo, o.documentId as DocumentId, o.data);
          if (taken.length === 0) continue;
        }
        // Only when the device had nothing the relay lacked are its new heads the relay's too.
        if (imported && sameHeads(imported.before, d.relayHeads)) d.relayHeads = imported.after;
        for (const o of taken) if (!d.chunks.includes(o.chunk)) d.chunks.push(o.chunk);
        batch.set(c.documentId, d);
        touched.set(c.documentId, d);
      }
      await state.saveDocs(account!, [...batch]);
      void verifyStored();
      if (s !== session) return;
    }
    const open = assembler.lowestOpen();
    const safe = open === null ? maxSeq : Math.min(maxSeq, open - 1);
    if (safe > a.lastSeq) {
      a.lastSeq = safe;
      await state.saveAccount(account!, { lastSeq: a.lastSeq, uploadedAll: a.uploadedAll });
    }
    if (s !== session) return;
    const patch: Partial<EngineSnapshot> = {};
    if (bad) {
      patch.rejected = snap.rejected + bad;
      console.warn(`sync: ${bad} chunk(s) from the relay did not open with this device's key or were damaged; not merged`);
    }
    if (snap.catchUp) patch.catchUp = { done: Math.min(a.lastSeq - catchUpFrom, snap.catchUp.total), total: snap.catchUp.total };
    if (Object.keys(patch).length) set(patch);
    if (whole.length) deps.onActivity?.();
    for (const id of touched.keys()) void maybeCompact(s, id);
  }

  function receiveEphemeral(doc: string | undefined, body: Uint8Array, from: string): void {
    if (!keyOk || !key) return;
    const plain = openEphemeral(key, doc, body);
    if (!plain) return set({ rejected: snap.rejected + 1 });
    for (const fn of ephListeners) fn(doc, plain, from);
  }

  // ——— uploads ———

  let pumpQueued = false;
  function pump(): void {
    if (pumpQueued) return;
    pumpQueued = true;
    queueMicrotask(() => {
      pumpQueued = false;
      const gate = { caughtUp, keyOk, stopped, pausedUntil, now: Date.now() };
      for (const id of planUploads(dirty.unsyncedIds(), { uploading, refused: refusedDocs }, gate, MAX_UPLOADS)) {
        uploading.add(id);
        const s = session;
        void upload(s, id)
          .catch((err: unknown) => console.error('sync: upload failed', err))
          .finally(() => {
            uploading.delete(id);
            if (s === session) pump();
          });
      }
    });
  }
  const unsubscribe = dirty.onMarked(() => pump());

  const scheduleRetry = (ms: number) => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(pump, ms);
  };

  /** whether the repo holds a handle of this document that imports what is stored now */
  function isOpen(id: string): boolean {
    const handle = repo.handles[id as DocumentId] as DocHandle<unknown> | undefined;
    return handle !== undefined && !handle.inState(['deleted', 'unloaded']);
  }

  /** whether the open handle of this document waits for it with nothing in it (find() found no copy here) */
  function isWaiting(id: string): boolean {
    const handle = repo.handles[id as DocumentId] as DocHandle<unknown> | undefined;
    return handle !== undefined && handle.inState(['unavailable', 'requesting']);
  }

  async function loaded(id: string): Promise<DocHandle<unknown> | null> {
    const existing = repo.handles[id as DocumentId] as DocHandle<unknown> | undefined;
    if (existing?.isReady()) return existing;
    try {
      return await repo.find<unknown>(stringifyAutomergeUrl({ documentId: id as DocumentId }));
    } catch {
      return null; // deleted, or no content on this device: nothing to upload
    }
  }

  function synced(s: number, id: string): void {
    dirty.markSynced(id);
    if (pendingAll?.delete(id)) checkAllUploaded(s).catch((err: unknown) => console.error('sync: could not save the sync state', err));
  }

  async function upload(s: number, id: string): Promise<void> {
    const handle = await loaded(id);
    if (s !== session) return;
    if (!handle) return synced(s, id);
    const d = docState(id);
    // Received while closed, nothing recorded: the chunks this account's relay sent are there.
    const received = d.relayHeads.length === 0 && d.chunks.length > 0 ? receivedHeads(await deps.local.received(id), d.chunks) : null;
    if (s !== session) return;
    const doc = handle.doc();
    const heads = A.getHeads(doc);
    const since = knownRelayHeads(d.relayHeads, received, (h) => A.hasHeads(doc, h));
    const kind = chunkFor(since, heads);
    if (kind === 'none') return synced(s, id);
    const plain = kind === 'snapshot' ? A.save(doc) : A.saveSince(doc, [...since]);
    const answer = await put(id, kind, plain);
    if (s !== session) return;
    if (!answer.ok) return refusedPut(id, answer);
    d.relayHeads = heads;
    if (!d.chunks.includes(answer.chunk)) d.chunks.push(answer.chunk);
    await state.saveDocs(account!, [[id, d]]);
    if (s !== session) return;
    // A change made while the chunk was on its way keeps the document marked.
    if (sameHeads(A.getHeads(handle.doc()), heads)) synced(s, id);
    await maybeCompact(s, id);
  }

  function refusedPut(id: string, answer: Extract<PutAnswer, { ok: false }>): void {
    if (answer.code === 'gone') return; // the next connection uploads it
    if (answer.code === 'quota') {
      pausedUntil = Date.now() + LIMIT_RETRY_MS;
      set({ status: 'limit' });
      return scheduleRetry(LIMIT_RETRY_MS);
    }
    if (answer.retryable) return scheduleRetry(RETRY_UPLOAD_MS);
    refusedDocs.add(id);
    set({ refused: snap.refused + 1 });
    console.error(`sync: the relay refused document ${id}: ${answer.message}`);
  }

  function put(doc: string, kind: ChunkKind, plain: Uint8Array, covers?: string[]): Promise<(PutAnswer & { ok: true; chunk: string }) | Extract<PutAnswer, { ok: false }>> {
    const chunk = newChunkId();
    const sealed = sealChunk(key!, doc, chunk, kind, plain);
    const id = nextPut++;
    const answer = new Promise<PutAnswer>((resolve) => answers.set(id, resolve));
    for (let offset = 0; offset < sealed.length; offset += PART_BYTES) {
      const part = sealed.subarray(offset, offset + PART_BYTES);
      const sent = current.send({ t: 'put', id, doc, chunk, kind, size: sealed.length, offset, ...(covers ? { covers } : {}) }, part);
      if (!sent) {
        answers.get(id)?.({ ok: false, code: 'gone', retryable: true, message: 'not connected' });
        answers.delete(id);
        break;
      }
    }
    return answer.then((a) => (a.ok ? { ...a, chunk } : a));
  }

  /** A document with many chunks on the relay, all of them here, is replaced there by one snapshot. */
  async function maybeCompact(s: number, id: string): Promise<void> {
    const d = acc?.docs.get(id);
    const handle = repo.handles[id as DocumentId] as DocHandle<unknown> | undefined;
    if (!d || !handle?.isReady() || uploading.has(`compact:${id}`)) return;
    if (!compactionDue(d.chunks.length, compactAfter, A.getHeads(handle.doc()), d.relayHeads)) return;
    uploading.add(`compact:${id}`);
    try {
      const covers = d.chunks.slice(0, MAX_COVERS);
      const answer = await put(id, 'snapshot', A.save(handle.doc()), covers);
      if (s !== session) return;
      if (answer.ok) d.chunks = [...d.chunks.filter((c) => !covers.includes(c)), answer.chunk];
      // Covers the relay does not know for this document: start the list over rather than ask again and again.
      else if (answer.code === 'bad-covers') d.chunks = [];
      else return;
      await state.saveDocs(account!, [[id, d]]);
    } finally {
      uploading.delete(`compact:${id}`);
    }
  }

  // ——— the full check of chunks stored on their structure alone ———

  /** chunks stored on their structure alone, not yet loaded fully (this engine's life only) */
  const unverified: { doc: string; name: string }[] = [];
  let verifying = false;

  /** Resolves when the page has nothing else to do (in a browser), or on the next task. */
  const idle = () =>
    new Promise<void>((resolve) => {
      if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve());
      else setTimeout(resolve, 0);
    });

  async function quarantine(doc: string, name: string): Promise<void> {
    await deps.local.remove(doc, name);
    console.warn(`sync: a chunk of document ${doc} from the relay was not valid Automerge; removed from this device`);
  }

  /**
   * Loads each chunk stored on its structure alone, one per task, after whatever frames are
   * waiting (a catch-up goes first). One that Automerge cannot load is removed from storage
   * (quarantined: the relay keeps it, and the sync state still lists it, so it is not fetched
   * again) and counted as rejected; the document's other chunks stay and load without it.
   * A page closed first leaves the rest checked on their structure only.
   */
  async function verifyStored(): Promise<void> {
    if (verifying) return;
    verifying = true;
    try {
      while (unverified.length && !stopped) {
        await frames;
        await idle();
        const next = unverified.shift();
        if (!next || stopped) break;
        const bytes = await deps.local.load(next.doc, next.name);
        if (!bytes || isValidAutomerge(bytes)) continue;
        await quarantine(next.doc, next.name);
        set({ rejected: snap.rejected + 1 });
      }
    } catch (err) {
      console.error('sync: could not check the chunks received', err);
    } finally {
      verifying = false;
    }
  }

  return {
    snapshot: () => snap,
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    sendEphemeral(doc, message) {
      if (!keyOk || !key) return false;
      return current.send({ t: 'eph', ...(doc ? { doc } : {}) }, sealEphemeral(key, doc, message));
    },
    onEphemeral(fn) {
      ephListeners.add(fn);
      return () => ephListeners.delete(fn);
    },
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      unsubscribe();
      current.stop();
      endSession();
    },
  };
}
