/**
 * Per-account storage limits, enforced where bytes are written: a storage adapter wrapper
 * that counts documents and bytes and refuses a write that would pass a limit.
 *
 * - Documents: a document is counted from its first chunk (snapshot or incremental). A chunk
 *   for a new document past `maxDocuments` is refused; existing documents keep syncing.
 * - Bytes: every file counts (chunks, sync states, the storage id). A write that would take
 *   the account past `maxBytes` is refused — except a snapshot that, with the chunks of the
 *   same document it replaces (compaction removes them right after), fits: compaction is how
 *   a document shrinks, so it must stay possible at the limit.
 * - A refusal throws QuotaExceededError before anything is written, so what is on disk stays
 *   as it was: nothing already saved is touched or lost.
 * - Sync states for documents that are not stored are not written at all (they would only
 *   let a peer fill the disk by asking for document ids that do not exist).
 *
 * The initial usage comes from a scan of the account's folder when it is opened
 * (AtomicFSStorageAdapter.scanUsage); the sizes of files being replaced or removed from
 * `sizeOf` (a stat), so no per-file table is kept in memory — except two shortcuts on the path
 * of every sync round: a new incremental chunk (named by its content's hash, written once) is
 * not stat'ed, and the last sizes of up to 10,000 sync-state files are remembered.
 */
import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';
import type { StorageUsage } from './doc-storage.ts';

export type QuotaKind = 'documents' | 'bytes';

export class QuotaExceededError extends Error {
  override name = 'QuotaExceededError';
  constructor(
    readonly kind: QuotaKind,
    readonly limit: number,
  ) {
    super(kind === 'documents' ? `account document limit reached (${limit})` : `account storage limit reached (${limit} bytes)`);
  }
}

export interface QuotaOptions {
  usage: StorageUsage;
  /** Current size of the file under a key (0 if none). */
  sizeOf: (key: StorageKey) => Promise<number>;
  /** 0 = no limit */
  maxDocuments: number;
  /** 0 = no limit */
  maxBytes: number;
}

/** Sync-state sizes remembered at most (~150 bytes each); past it, the next writes stat again. */
const MAX_REMEMBERED_SYNC_STATES = 10_000;

function isChunkKey(key: StorageKey): boolean {
  return key.length === 3 && (key[1] === 'snapshot' || key[1] === 'incremental');
}

export class QuotaStorageAdapter implements StorageAdapterInterface {
  readonly #inner: StorageAdapterInterface;
  readonly #sizeOf: (key: StorageKey) => Promise<number>;
  readonly #maxDocuments: number;
  readonly #maxBytes: number;
  /** document id → bytes of its chunks */
  readonly #documents: Map<string, number>;
  /** new documents whose first chunk is being written */
  readonly #pendingNew = new Set<string>();
  #totalBytes: number;
  /** bytes of writes in progress */
  #reserved = 0;
  /** Sizes of sync-state files as last written here (a stat per write showed in profiles). */
  readonly #syncStateSizes = new Map<string, number>();

  constructor(inner: StorageAdapterInterface, opts: QuotaOptions) {
    this.#inner = inner;
    this.#sizeOf = opts.sizeOf;
    this.#maxDocuments = opts.maxDocuments;
    this.#maxBytes = opts.maxBytes;
    this.#documents = new Map(opts.usage.documents);
    this.#totalBytes = opts.usage.totalBytes;
  }

  usage(): { documents: number; bytes: number } {
    return { documents: this.#documents.size, bytes: this.#totalBytes };
  }

  /** Whether the document has chunks on disk (as far as this adapter has seen). */
  hasDocument(documentId: string): boolean {
    return this.#documents.has(documentId);
  }

  load(key: StorageKey): Promise<Uint8Array | undefined> {
    return this.#inner.load(key);
  }

  loadRange(prefix: StorageKey): Promise<Chunk[]> {
    return this.#inner.loadRange(prefix);
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    const [documentId = '', kind] = key;
    const chunk = isChunkKey(key);
    if (key.length === 3 && kind === 'sync-state' && !this.#documents.has(documentId) && !this.#pendingNew.has(documentId)) return;
    const isNew = chunk && !this.#documents.has(documentId) && !this.#pendingNew.has(documentId);
    if (isNew && this.#maxDocuments > 0 && this.#documents.size + this.#pendingNew.size >= this.#maxDocuments) {
      throw new QuotaExceededError('documents', this.#maxDocuments);
    }
    // An incremental chunk is named by the hash of its content and the relay writes each one
    // once: counted as new without a stat (a stat per acknowledged change showed in profiles).
    // Rewriting one that exists would only count its bytes twice until the next open's scan.
    // A sync state is rewritten on every sync round: its last size is remembered instead.
    const syncStateKey = key.length === 3 && kind === 'sync-state' ? key.join('/') : null;
    const known = syncStateKey === null ? undefined : this.#syncStateSizes.get(syncStateKey);
    const delta = data.byteLength - (chunk && kind === 'incremental' ? 0 : (known ?? (await this.#sizeOf(key))));
    const grow = Math.max(0, delta);
    if (this.#maxBytes > 0 && grow > 0) {
      let projected = this.#totalBytes + this.#reserved + grow;
      if (kind === 'snapshot' && key.length === 3) projected -= this.#documents.get(documentId) ?? 0;
      if (projected > this.#maxBytes) throw new QuotaExceededError('bytes', this.#maxBytes);
    }
    this.#reserved += grow;
    if (isNew) this.#pendingNew.add(documentId);
    try {
      await this.#inner.save(key, data);
      this.#totalBytes += delta;
      if (chunk) this.#documents.set(documentId, (this.#documents.get(documentId) ?? 0) + delta);
      if (syncStateKey !== null) {
        if (this.#syncStateSizes.size >= MAX_REMEMBERED_SYNC_STATES) this.#syncStateSizes.clear();
        this.#syncStateSizes.set(syncStateKey, data.byteLength);
      }
    } finally {
      this.#reserved -= grow;
      if (isNew) this.#pendingNew.delete(documentId);
    }
  }

  async remove(key: StorageKey): Promise<void> {
    this.#syncStateSizes.delete(key.join('/'));
    const size = await this.#sizeOf(key);
    await this.#inner.remove(key);
    this.#forget([{ key, size }]);
  }

  async removeRange(prefix: StorageKey): Promise<void> {
    // Rare (the relay never deletes documents): reading the range is the simple way to size it.
    this.#syncStateSizes.clear();
    const chunks = await this.#inner.loadRange(prefix);
    await this.#inner.removeRange(prefix);
    this.#forget(chunks.map((c) => ({ key: c.key, size: c.data?.byteLength ?? 0 })));
  }

  #forget(removed: { key: StorageKey; size: number }[]): void {
    for (const { key, size } of removed) {
      this.#totalBytes = Math.max(0, this.#totalBytes - size);
      if (!isChunkKey(key) || size === 0) continue;
      const id = key[0] ?? '';
      const left = (this.#documents.get(id) ?? 0) - size;
      if (left > 0) this.#documents.set(id, left);
      else this.#documents.delete(id);
    }
  }
}
