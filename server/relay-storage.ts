/**
 * The relay's replacement for automerge-repo's StorageSubsystem (2.5.6): same on-disk layout
 * and a similar compaction rule (see #shouldCompact), with five changes that matter for a
 * server holding many documents for untrusted peers. The Repo is built normally, then its `storageSubsystem` is swapped for this
 * one (see account-repos.ts); every Repo path used by the relay (saves after changes, flush,
 * loads in find(), sync states) reads `repo.storageSubsystem` at call time.
 *
 * 1. Never writes a document that lacks what is already on disk. `repo.removeFromCache`
 *    (2.5.6) unloads the handle, which replaces its document with an empty one and emits
 *    `heads-changed`; the repo's throttled save then writes that empty document as a snapshot
 *    and deletes the real chunks — the document is gone from disk (measured: a 3 KB document
 *    reloads as `{}`). Here an empty document is never saved, and a save whose document does
 *    not contain the heads last loaded or saved is refused, so no compaction can delete
 *    chunks it does not cover.
 * 2. Loads with `A.load` instead of `A.loadIncremental(A.init(), …)`: the incremental path
 *    materialises the document through patches and leaves it ~4.5× larger in memory
 *    (measured: 1,000 conversation documents of ~3.4 KB on disk took 157 MB of JS heap and
 *    229 MB of wasm memory that way, 30 MB and 56 MB with A.load).
 * 3. Background saves (the repo's throttled save after each change, repo.flush) never reject:
 *    the repo fires them with `void`, so in 2.5.6 one failed write (a full disk) is an
 *    unhandled rejection that kills the process. Failures go to `onError`; the relay's own
 *    acknowledgements use `saveDocStrict`, which does throw, so nothing is acknowledged that
 *    is not on disk. Saves of one document are serialised (no interleaved compactions), and a
 *    failed compaction does not block later ones (2.5.6 leaves a global flag set).
 * 4. `forget(documentId)` drops the per-document bookkeeping when a document is unloaded.
 * 5. Sync-state reads are tracked per document (`isAnswerPending`). Before answering a peer's
 *    first message about a document, the repo reads that peer's sync state from disk; if the
 *    document is unloaded during that read, the answer is computed on the unloaded (empty)
 *    handle and, in 2.5.6, throws inside the repo's sync-state listener (the handle is no longer
 *    in its cache): the peer never gets an answer and its find() ends "unavailable" although
 *    the document is on disk (measured: 1,461 of 20,000 requests in the relay-memory
 *    benchmark, where the reads queue behind thousands of others for seconds).
 */
import { createHash } from 'node:crypto';
import { next as A } from '@automerge/automerge';
import type { Chunk, DocumentId, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';

type ChunkInfo = { key: StorageKey; type: 'snapshot' | 'incremental'; size: number };
type Heads = string[];

function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Same as automerge-repo's headsHash: the snapshot key of a document at these heads. */
function headsHash(heads: Heads): string {
  return sha256Hex(Buffer.concat(heads.map((h) => Buffer.from(h, 'utf8'))));
}

function sameHeads(a: Heads, b: Heads): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/**
 * Whether the document contains every change named in `heads`. Same answer as A.hasHeads, which
 * decodes each change into a JS object to say so (it showed in profiles: this runs on every save).
 */
function containsHeads(doc: A.Doc<unknown>, heads: Heads): boolean {
  const missing = A.getMissingDeps(doc, heads);
  return missing.length === 0 || !heads.some((h) => missing.includes(h));
}

function concat(chunks: Uint8Array[]): Uint8Array {
  return chunks.length === 1 && chunks[0] ? chunks[0] : new Uint8Array(Buffer.concat(chunks));
}

/**
 * While a document is loaded, its incrementals may grow to this many times its snapshots, and to
 * at least COMPACT_MIN_BYTES, before it is compacted; it is compacted when it is unloaded.
 */
const LOADED_COMPACT_RATIO = 4;
const COMPACT_MIN_BYTES = 16 * 1024;

export class UnsafeSaveError extends Error {
  override name = 'UnsafeSaveError';
}

export interface RelayStorageOptions {
  /** A background save or sync-state write failed (a strict save throws instead). */
  onError: (err: unknown, documentId: DocumentId | null) => void;
}

export class RelayStorageSubsystem {
  readonly #storage: StorageAdapterInterface;
  readonly #onError: RelayStorageOptions['onError'];
  /** heads last loaded from or written to disk, per document */
  readonly #saved = new Map<DocumentId, Heads>();
  readonly #chunks = new Map<DocumentId, ChunkInfo[]>();
  /** tail of each document's save queue */
  readonly #queues = new Map<DocumentId, Promise<unknown>>();
  /** wasm backends of documents freed after unloading (see retire) */
  readonly #retired = new WeakSet<object>();
  /** documents given incrementals since they were loaded: compacted when unloaded (see compact) */
  readonly #written = new Set<DocumentId>();
  /** sync-state reads in progress, per document (see isAnswerPending) */
  readonly #syncStateLoads = new Map<DocumentId, number>();
  #id: Promise<string> | null = null;

  constructor(storage: StorageAdapterInterface, opts: RelayStorageOptions) {
    this.#storage = storage;
    this.#onError = opts.onError;
  }

  // --- what Repo and CollectionSynchronizer call --------------------------------------

  id(): Promise<string> {
    this.#id ??= (async () => {
      const stored = await this.#storage.load(['storage-adapter-id']);
      if (stored) return new TextDecoder().decode(stored);
      const id = crypto.randomUUID();
      await this.#storage.save(['storage-adapter-id'], new TextEncoder().encode(id));
      return id;
    })();
    return this.#id;
  }

  load(namespace: string, key: string): Promise<Uint8Array | undefined> {
    return this.#storage.load([namespace, key]);
  }

  save(namespace: string, key: string, data: Uint8Array): Promise<void> {
    return this.#storage.save([namespace, key], data);
  }

  remove(namespace: string, key: string): Promise<void> {
    return this.#storage.remove([namespace, key]);
  }

  async loadDocData(documentId: DocumentId): Promise<Uint8Array | null> {
    const snapshots = await this.#storage.loadRange([documentId, 'snapshot']);
    const incrementals = await this.#storage.loadRange([documentId, 'incremental']);
    const infos: ChunkInfo[] = [];
    const binaries: Uint8Array[] = [];
    const add = (chunks: Chunk[], type: ChunkInfo['type']) => {
      for (const c of chunks) {
        if (!c.data) continue;
        infos.push({ key: c.key, type, size: c.data.byteLength });
        binaries.push(c.data);
      }
    };
    add(snapshots, 'snapshot');
    add(incrementals, 'incremental');
    this.#chunks.set(documentId, infos);
    return binaries.length > 0 ? concat(binaries) : null;
  }

  loadDoc<T>(documentId: DocumentId): Promise<A.Doc<T> | null> {
    return this.#serial(documentId, async () => {
      const binary = await this.loadDocData(documentId);
      if (!binary) {
        this.#saved.delete(documentId);
        return null;
      }
      let doc: A.Doc<T>;
      try {
        doc = A.load<T>(binary);
      } catch {
        // e.g. an incremental whose dependencies are missing: the lenient path keeps what it can
        doc = A.loadIncremental(A.init<T>(), binary);
      }
      this.#saved.set(documentId, A.getHeads(doc));
      return doc;
    });
  }

  /** Background save: never rejects; failures go to onError. */
  async saveDoc(documentId: DocumentId, doc: A.Doc<unknown>): Promise<void> {
    try {
      await this.saveDocStrict(documentId, doc);
    } catch (err) {
      this.#onError(err, documentId);
    }
  }

  async removeDoc(documentId: DocumentId): Promise<void> {
    await this.#serial(documentId, async () => {
      await this.#storage.removeRange([documentId, 'snapshot']);
      await this.#storage.removeRange([documentId, 'incremental']);
      await this.#storage.removeRange([documentId, 'sync-state']);
      this.#saved.delete(documentId);
      this.#chunks.delete(documentId);
      this.#written.delete(documentId);
    });
  }

  async loadSyncState(documentId: DocumentId, storageId: string): Promise<A.SyncState | undefined> {
    this.#syncStateLoads.set(documentId, (this.#syncStateLoads.get(documentId) ?? 0) + 1);
    try {
      const loaded = await this.#storage.load([documentId, 'sync-state', storageId]);
      return loaded ? A.decodeSyncState(loaded) : undefined;
    } catch {
      return undefined;
    } finally {
      // Counted until the next macrotask: the repo answers the waiting message in a `.then` on
      // this promise, and the document must stay loaded until that answer has been sent.
      setImmediate(() => {
        const n = (this.#syncStateLoads.get(documentId) ?? 1) - 1;
        if (n > 0) this.#syncStateLoads.set(documentId, n);
        else this.#syncStateLoads.delete(documentId);
      });
    }
  }

  async saveSyncState(documentId: DocumentId, storageId: string, syncState: A.SyncState): Promise<void> {
    try {
      await this.#storage.save([documentId, 'sync-state', storageId], A.encodeSyncState(syncState));
    } catch (err) {
      this.#onError(err, documentId);
    }
  }

  // --- the relay's own -------------------------------------------------------------------

  /**
   * Writes the document if it changed since it was loaded or last saved; throws on failure.
   * Resolves to whether anything was written.
   */
  saveDocStrict(documentId: DocumentId, doc: A.Doc<unknown>): Promise<boolean> {
    if (this.#retired.has(A.getBackend(doc))) return Promise.resolve(false); // written before it was unloaded and freed
    const heads = A.getHeads(doc);
    // Already on disk (every message of a fan-out but the first): answered at once, not queued
    // behind a compaction running in this document's queue (its ~100 removals held the fan-out
    // of the edits that came with one 25–60 ms: the slowest 1%).
    if (this.#nothingToWrite(documentId, heads)) return Promise.resolve(false);
    return this.#serial(documentId, async () => {
      if (this.#retired.has(A.getBackend(doc)) || this.#nothingToWrite(documentId, heads)) return false;
      const saved = this.#saved.get(documentId);
      if (saved && !containsHeads(doc, saved)) {
        throw new UnsafeSaveError('refusing to save a document that lacks changes already on disk');
      }
      const chunks = this.#chunks.get(documentId) ?? [];
      if (!saved) {
        await this.#saveTotal(documentId, doc, heads, chunks);
        return true;
      }
      await this.#saveIncremental(documentId, doc, heads, saved, chunks);
      // The acknowledgement waits for the cheapest write, the change; a compaction (the whole
      // document saved, its ~100 older chunks removed) follows once it is sent. On the
      // acknowledgement's path it held the edits that came with one 5–25 ms (the latency p99).
      if (this.#shouldCompact(this.#chunks.get(documentId) ?? [])) setImmediate(() => void this.compact(documentId, doc));
      return true;
    });
  }

  /**
   * Whether a document at these heads holds nothing to write: it is empty (nothing to keep; and
   * see 1. above), or they are the heads last loaded or written (#saved is set only once a write
   * has ended).
   */
  #nothingToWrite(documentId: DocumentId, heads: Heads): boolean {
    if (heads.length === 0) return true;
    const saved = this.#saved.get(documentId);
    return saved !== undefined && sameHeads(saved, heads);
  }

  /**
   * Whether a sync state of this document is being read. The repo reads a peer's sync state
   * from disk before answering that peer's first message about a document; the document must
   * not be unloaded meanwhile (see point 5 above).
   */
  isAnswerPending(documentId: DocumentId): boolean {
    return this.#syncStateLoads.has(documentId);
  }

  /**
   * Frees the memory of a document that was written and unloaded, at once. Automerge frees a
   * document's wasm memory only when the garbage collector finalises its JS object, and an
   * unloaded document's small JS object can wait for a full collection for minutes while its
   * wasm memory (much larger) stays taken: under load, the wasm heap then grows to hold every
   * document unloaded since the last full collection, and it never shrinks (measured: 240 MB of
   * wasm memory with at most ~500 documents loaded at once). A save the repo scheduled before
   * the unload may still arrive with this document (or an older version of it, which shares its
   * memory): saveDocStrict skips those, as everything in it was written before the unload.
   */
  retire(doc: A.Doc<unknown>): void {
    this.#retired.add(A.getBackend(doc));
    A.free(doc);
  }

  /**
   * Rewrites a document given incrementals since it was loaded as one snapshot, for when it is
   * unloaded (its chunks on disk then load fastest) or has outgrown its snapshot (saveDocStrict
   * asks for it). Only when everything in `doc` is written
   * (saveDocStrict first). Never throws: leftover incrementals are only slower to load.
   */
  async compact(documentId: DocumentId, doc: A.Doc<unknown>): Promise<void> {
    try {
      await this.#serial(documentId, async () => {
        if (!this.#written.has(documentId) || this.#retired.has(A.getBackend(doc))) return;
        const heads = A.getHeads(doc);
        const saved = this.#saved.get(documentId);
        if (!saved || !sameHeads(saved, heads)) return;
        await this.#saveTotal(documentId, doc, heads, this.#chunks.get(documentId) ?? []);
      });
    } catch (err) {
      this.#onError(err, documentId);
    }
  }

  /** Drops the bookkeeping of an unloaded document; the next load reads it again from disk. */
  forget(documentId: DocumentId): void {
    if (this.#queues.has(documentId)) return; // a save is running: keep what it will update
    this.#saved.delete(documentId);
    this.#chunks.delete(documentId);
    this.#written.delete(documentId);
  }

  /** Documents with bookkeeping in memory (for tests and stats). */
  trackedDocuments(): number {
    return this.#saved.size;
  }

  // --- internals ---------------------------------------------------------------------------

  #serial<T>(documentId: DocumentId, fn: () => Promise<T>): Promise<T> {
    const prev = this.#queues.get(documentId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.#queues.set(documentId, tail);
    void tail.then(() => {
      if (this.#queues.get(documentId) === tail) this.#queues.delete(documentId);
    });
    return run;
  }

  /**
   * While loaded, a document is compacted only once its incrementals are several times its
   * snapshots (LOADED_COMPACT_RATIO); `compact` rewrites it as one snapshot when it is unloaded.
   * automerge-repo compacts a document under 1 KB at every save, and any other when its
   * incrementals outgrow its snapshot: here every acknowledged change is a save, so a document
   * being edited was rewritten whole, and its older chunks removed, every few changes, on the
   * path of the acknowledgement (measured: ~5% of the relay's CPU with 250 documents edited at once).
   */
  #shouldCompact(chunks: ChunkInfo[]): boolean {
    let snapshot = 0;
    let incremental = 0;
    for (const c of chunks) {
      if (c.type === 'snapshot') snapshot += c.size;
      else incremental += c.size;
    }
    return incremental >= Math.max(LOADED_COMPACT_RATIO * snapshot, COMPACT_MIN_BYTES);
  }

  async #saveIncremental(documentId: DocumentId, doc: A.Doc<unknown>, heads: Heads, since: Heads, chunks: ChunkInfo[]): Promise<void> {
    const binary = A.saveSince(doc, since);
    if (binary.byteLength === 0) return;
    const key: StorageKey = [documentId, 'incremental', sha256Hex(binary)];
    await this.#storage.save(key, binary);
    this.#chunks.set(documentId, [...chunks, { key, type: 'incremental', size: binary.byteLength }]);
    this.#saved.set(documentId, heads);
    this.#written.add(documentId);
  }

  /** Writes the document as one snapshot, then removes the chunks it covers. */
  async #saveTotal(documentId: DocumentId, doc: A.Doc<unknown>, heads: Heads, chunks: ChunkInfo[]): Promise<void> {
    const binary = A.save(doc);
    const hash = headsHash(heads);
    const key: StorageKey = [documentId, 'snapshot', hash];
    await this.#storage.save(key, binary);
    // The snapshot is on disk and holds every change of the chunks below (checked above: the
    // document contains the heads they were loaded or saved with), so they can go.
    const covered = chunks.filter((c) => !(c.key[2] === hash && c.type === 'snapshot'));
    this.#chunks.set(documentId, [{ key, type: 'snapshot', size: binary.byteLength }]);
    this.#saved.set(documentId, heads);
    this.#written.delete(documentId);
    await this.#removeChunks(documentId, covered);
  }

  /** Removes chunks a snapshot covers; those that cannot be removed stay listed, for the next compaction. */
  async #removeChunks(documentId: DocumentId, chunks: ChunkInfo[]): Promise<void> {
    const kept: ChunkInfo[] = [];
    for (const c of chunks) {
      try {
        await this.#storage.remove(c.key);
      } catch (err) {
        kept.push(c); // harmless duplicate data
        this.#onError(err, documentId);
      }
    }
    if (kept.length > 0) this.#chunks.set(documentId, [...kept, ...(this.#chunks.get(documentId) ?? [])]);
  }
}
