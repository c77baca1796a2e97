/**
 * The device's document storage as the engine sees it: which documents have content, and a
 * way to add chunks received from the relay in one go. These writes go past the storage
 * wrapper that marks documents for upload: what came from the relay need not go back.
 */
import type { StorageAdapterInterface } from '@automerge/automerge-repo';
import { isChunkKey, isRelayChunkName, STORED_CHUNK_KINDS, storedChunkKind } from '../../../shared/sync/chunk-key.ts';

export interface ReceivedChunk {
  documentId: string;
  /** the storage name of the chunk (unique per relay chunk, so a second write of it is the same write) */
  name: string;
  /** plaintext Automerge bytes (changes or a whole document), loadable with `loadIncremental` */
  data: Uint8Array;
}

export interface StoredChunk {
  name: string;
  data: Uint8Array;
}

export interface LocalChunks {
  /**
   * Ids of every document with content on this device; `ownOnly` leaves out documents whose
   * every chunk came from the relay untouched (the relay holds them already: nothing to upload).
   */
  ids(ownOnly?: boolean): Promise<Set<string>>;
  /**
   * Stores chunks the repo loads with the others, a whole document as a snapshot and changes as
   * incremental (`storedChunkKind`); durable when it resolves.
   */
  put(chunks: readonly ReceivedChunk[]): Promise<void>;
  /** The bytes of a chunk `put` stored, undefined when it is not there. */
  load(documentId: string, name: string): Promise<Uint8Array | undefined>;
  /** Removes a chunk `put` stored (one that turned out not to load). */
  remove(documentId: string, name: string): Promise<void>;
  /** Every chunk of the document `put` stored that is still there (the repo's compaction replaces them). */
  received(documentId: string): Promise<StoredChunk[]>;
}

/** Over any automerge-repo storage adapter (one write per chunk; the browser uses stored-documents.ts: one transaction). */
export function adapterLocalChunks(adapter: StorageAdapterInterface): LocalChunks {
  return {
    async ids(ownOnly = false) {
      const out = new Set<string>();
      for (const { key } of await adapter.loadRange([])) if (isChunkKey(key) && !(ownOnly && isRelayChunkName(key[2]))) out.add(String(key[0]));
      return out;
    },
    async put(chunks) {
      for (const c of chunks) await adapter.save([c.documentId, storedChunkKind(c.data), c.name], c.data);
    },
    async load(documentId, name) {
      for (const kind of STORED_CHUNK_KINDS) {
        const bytes = await adapter.load([documentId, kind, name]);
        if (bytes) return bytes;
      }
      return undefined;
    },
    async remove(documentId, name) {
      for (const kind of STORED_CHUNK_KINDS) await adapter.remove([documentId, kind, name]);
    },
    async received(documentId) {
      const out: StoredChunk[] = [];
      for (const kind of STORED_CHUNK_KINDS) {
        for (const { key, data } of await adapter.loadRange([documentId, kind])) if (data && isRelayChunkName(key[2])) out.push({ name: String(key[2]), data });
      }
      return out;
    },
  };
}
