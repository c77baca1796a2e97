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
 * `sizeOf` (a stat), so no full per-file table is kept in memory — except shortcuts on the path
 * of every sync round: a new chunk (an incremental is named by its content's hash, a snapshot by
 * its heads; each is written once) is not stat'ed, and the sizes of up to 10,000 files written or
 * read here (sync states, and the chunks compaction will remove) are remembered.
 */
import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';
import type { StorageUsage } from './doc-storage.ts';
import { isChunkKey } from '../shared/sync/chunk-key.ts';

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

/** File sizes remembered at most (~200 bytes each); past it, the next writes and removals stat again. */
const MAX_REMEMBERED_SIZES = 10_000;

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
  /** Sizes of files as last written or read here (a stat per write or removal showed in profiles). */
  readonly #sizes = new Map<string, number>();

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

  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    const chunks = await this.#inner.loadRange(prefix);
    for (const c of chunks) if (c.data && isChunkKey(c.key)) this.#remember(c.key.join('/'), c.data.byteLength);
    return chunks;
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    const [documentId = '', kind] = key;
    const chunk = isChunkKey(key);
    if (key.length === 3 && kind === 'sync-state' && !this.#documents.has(documentId) && !this.#pendingNew.has(documentId)) return;
    const isNew = chunk && !this.#documents.has(documentId) && !this.#pendingNew.has(documentId);
    if (isNew && this.#maxDocuments > 0 && this.#documents.size + this.#pendingNew.size >= this.#maxDocuments) {
      throw new QuotaExceededError('documents', this.#maxDocuments);
    }
    // A chunk is named by the hash of its content (incremental) or of its heads (snapshot), and
    // the relay writes each one once: counted as new without a stat (a stat per acknowledged
    // change showed in profiles). Rewriting one that exists would only count its bytes twice
    // until the next open's scan. A sync state is rewritten on every sync round: its last size
    // is remembered instead.
    const name = key.join('/');
    const known = chunk ? 0 : this.#sizes.get(name);
    const delta = data.byteLength - (known ?? (await this.#sizeOf(key)));
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
      this.#remember(name, data.byteLength);
    } finally {
      this.#reserved -= grow;
      if (isNew) this.#pendingNew.delete(documentId);
    }
  }

  async remove(key: StorageKey): Promise<void> {
    const name = key.join('/');
    const size = this.#sizes.get(name) ?? (await this.#sizeOf(key));
    this.#sizes.delete(name);
    await this.#inner.remove(key);
    this.#forget([{ key, size }]);
  }

  #remember(name: string, size: number): void {
    if (this.#sizes.size >= MAX_REMEMBERED_SIZES && !this.#sizes.has(name)) this.#sizes.clear();
    this.#sizes.set(name, size);
  }

  async removeRange(prefix: StorageKey): Promise<void> {
    // Rare (the relay never deletes documents): reading the range is the simple way to size it.
    this.#sizes.clear();
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
