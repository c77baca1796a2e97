/**
 * ChunkStore: the relay's account-scoped log of encrypted chunks.
 *
 * Every stored chunk gets the account's next sequence number (gap-free). A chunk is uploaded
 * part by part (never whole in memory) and `commit()` resolves only once it is durable. A
 * (doc, chunk) already stored is not stored again: the commit answers with the existing seq and
 * `duplicate: true`. A snapshot may cover chunks of its own document: once the snapshot is
 * durable, the covered chunks stop being served (dropped); they stay recoverable for a grace
 * period and are reclaimed after it.
 *
 * Implementations: files-store.ts (local files), pg-store.ts (PostgreSQL, shared by several relays). Behaviour every implementation must have is
 * checked by acceptance.ts.
 */
import type { ChunkKind } from '../../shared/sync/protocol.ts';

export interface ChunkMeta {
  doc: string;
  chunk: string;
  kind: ChunkKind;
  /** the whole chunk's bytes */
  size: number;
}

export interface StoredEntry extends ChunkMeta {
  seq: number;
}

export interface AppendResult {
  seq: number;
  duplicate: boolean;
}

export type ChunkStoreErrorCode =
  /** covers name a chunk of another document, a chunk not stored, or are on a non-snapshot */
  | 'bad-covers'
  /** parts past the size, missing bytes at commit */
  | 'bad-part'
  /** the disk refused the write (full, read-only, I/O error): nothing acknowledged is affected */
  | 'unavailable'
  /** the log is open in another process */
  | 'locked';

export class ChunkStoreError extends Error {
  override name = 'ChunkStoreError';
  constructor(
    readonly code: ChunkStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** One chunk being uploaded. Parts arrive in order; nothing is visible until commit() resolves. */
export interface ChunkUpload {
  /** Appends the next part's bytes (written through to storage; not durable yet). */
  write(part: Uint8Array): Promise<void>;
  /** After the last part: resolves once the chunk (and a snapshot's drops) is durable. */
  commit(): Promise<AppendResult>;
  /** Gives up (the bytes written so far become garbage, reclaimed later). */
  abort(): void;
}

export interface AccountLog {
  readonly accountId: string;
  /** The highest durable seq (0 for an empty log). */
  head(): number;
  /** Bytes the account's log takes in storage (for quotas). */
  bytesUsed(): number;
  /**
   * Starts storing a chunk. A chunk already stored answers at once with its seq (duplicate);
   * covers are checked now and again at commit (ChunkStoreError 'bad-covers').
   */
  begin(meta: ChunkMeta & { covers?: readonly string[] }): ChunkUpload | AppendResult;
  /** Live (not dropped) durable entries with seq > since, in seq order, at most `limit`. */
  entriesAfter(since: number, limit: number): StoredEntry[];
  /** `len` bytes of a stored entry from `offset` (the entry stays readable until reclaimed). */
  read(entry: StoredEntry, offset: number, len: number): Promise<Uint8Array>;
  /**
   * Reads `len` bytes of a stored entry from `offset` straight into `target` at `at` (a frame
   * being built), so that no buffer is allocated per chunk.
   */
  readInto(entry: StoredEntry, offset: number, len: number, target: Uint8Array, at: number): Promise<void>;
  /**
   * Calls `listener` with every batch of entries that just became durable, in seq order,
   * synchronously before they are visible to entriesAfter callers that come later.
   */
  onDurable(listener: (entries: readonly StoredEntry[]) => void): () => void;
  /**
   * Serves again the dropped chunks still within the grace period (all, or one document's):
   * they get new seqs so that every device receives them. Returns how many.
   */
  recover(doc?: string): Promise<number>;
  /** Deletes the bytes of chunks dropped longer ago than the grace period. Returns bytes freed. */
  reclaim(): Promise<number>;
  close(): Promise<void>;
}

export interface ChunkStore {
  /** Opens an account's log (created empty if absent). One open log per account per process. */
  open(accountId: string): Promise<AccountLog>;
}

export function isUpload(r: ChunkUpload | AppendResult): r is ChunkUpload {
  return typeof (r as ChunkUpload).commit === 'function';
}
