/**
 * Bulk access to the documents in the device's IndexedDB: which documents have content, and
 * chunks received from the relay written many per transaction (the repo's own saves write one
 * transaction per chunk; a new device receives thousands of documents at once).
 *
 * Writes go through the repo's storage adapter (indexeddb-storage.ts, ours), under automerge-repo's
 * chunk keys `[documentId, "snapshot" | "incremental", name]` (a whole document is a snapshot:
 * `storedChunkKind`), which its StorageSubsystem loads and merges with the document's other chunks
 * (the layout its public `StorageKey` type documents; a test checks it).
 */
import type { BundleRecord } from '../../shared/sync/bundle-format.ts';
import { isChunkKey, isRelayChunkName, STORED_CHUNK_KINDS, storedChunkKind } from '../../shared/sync/chunk-key.ts';
import type { ReceivedChunk, StoredChunk } from '../sync/engine/local-chunks.ts';
import type { IndexedDBStorage } from './indexeddb-storage.ts';

export interface StoredDocuments {
  /** Ids of every document with content on this device. */
  /** documents with content here; `ownOnly`: leaving out those whose every chunk came from the relay as is */
  ids(ownOnly?: boolean): Promise<Set<string>>;
  /**
   * Writes documents received whole (the relay's copy), in one transaction, each as one chunk
   * named `chunkName`, which the repo reads with the others and merges.
   */
  put(records: readonly BundleRecord[], chunkName: string): Promise<void>;
  /** Writes chunks each under its own name, in one transaction (a catch-up's entries). */
  putChunks(chunks: readonly ReceivedChunk[]): Promise<void>;
  /** A chunk `putChunks` wrote, undefined when it is not there. */
  loadChunk(documentId: string, name: string): Promise<Uint8Array | undefined>;
  /** Removes a chunk `putChunks` wrote. */
  removeChunk(documentId: string, name: string): Promise<void>;
  /** Every chunk of the document `putChunks` wrote that is still there (the repo's compaction replaces them). */
  relayChunks(documentId: string): Promise<StoredChunk[]>;
  /**
   * Writes a new document of this device's own, saved whole elsewhere (a knowledge document
   * built in a worker), as its snapshot chunk; durable when it resolves. The caller marks it
   * for upload: these writes pass the wrapper that does.
   */
  putSnapshot(documentId: string, name: string, data: Uint8Array): Promise<void>;
}

/** `storage` must be the adapter the repo itself uses, unwrapped: these writes are not the device's own edits (but putSnapshot's). */
export function createStoredDocuments(storage: IndexedDBStorage): StoredDocuments {
  return {
    async ids(ownOnly = false) {
      const out = new Set<string>();
      for (const key of await storage.keys()) {
        // sync states alone are not content
        if (isChunkKey(key) && !(ownOnly && isRelayChunkName(key[2]))) out.add(String(key[0]));
      }
      return out;
    },
    async put(records, chunkName) {
      await storage.saveMany(records.map(({ documentId, data }) => ({ key: [documentId, storedChunkKind(data), chunkName], data })));
    },
    async putChunks(chunks) {
      await storage.saveMany(chunks.map(({ documentId, name, data }) => ({ key: [documentId, storedChunkKind(data), name], data })));
    },
    async loadChunk(documentId, name) {
      for (const kind of STORED_CHUNK_KINDS) {
        const bytes = await storage.load([documentId, kind, name]);
        if (bytes) return bytes;
      }
      return undefined;
    },
    async removeChunk(documentId, name) {
      for (const kind of STORED_CHUNK_KINDS) await storage.remove([documentId, kind, name]);
    },
    async relayChunks(documentId) {
      const chunks = await storage.loadRange([documentId]);
      return chunks.flatMap(({ key, data }) => (data && isChunkKey(key) && isRelayChunkName(key[2]) ? [{ name: String(key[2]), data }] : []));
    },
    putSnapshot: (documentId, name, data) => storage.saveMany([{ key: [documentId, 'snapshot', name], data }]),
  };
}
