/**
 * Bulk access to the documents in the device's IndexedDB, under automerge-repo's storage
 * layout (object store "documents", key [documentId, "snapshot" | "incremental" | …, …],
 * value { key, binary }). The repo's adapter writes one transaction per chunk; a new device
 * receiving thousands of documents at once writes them here in a few large transactions.
 */
import type { BundleRecord } from '../../shared/sync/bundle-format.ts';
import { isChunkKey, isRelayChunkName } from '../../shared/sync/chunk-key.ts';
import type { ReceivedChunk } from '../sync/engine/local-chunks.ts';

const STORE = 'documents';

export interface StoredDocuments {
  /** Ids of every document with content on this device. */
  /** documents with content here; `ownOnly`: leaving out those whose every chunk came from the relay as is */
  ids(ownOnly?: boolean): Promise<Set<string>>;
  /**
   * Writes documents received whole (the relay's copy), in one transaction, each as one chunk
   * named `chunkName`, which the repo reads like any incremental chunk and merges with the others.
   */
  put(records: readonly BundleRecord[], chunkName: string): Promise<void>;
  /** Writes chunks each under its own name, in one transaction (a catch-up's entries). */
  putChunks(chunks: readonly ReceivedChunk[]): Promise<void>;
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * A connection of our own to the adapter's database (its handle is private); same version and
 * same upgrade, so whichever opens a fresh database first creates the store.
 */
function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function createStoredDocuments(databaseName: string): StoredDocuments {
  let opened: Promise<IDBDatabase> | null = null;
  const db = () => {
    opened ??= openDatabase(databaseName);
    // a failed open is tried again next time
    opened.catch(() => (opened = null));
    return opened;
  };
  return {
    async ids(ownOnly = false) {
      const tx = (await db()).transaction(STORE);
      const req = tx.objectStore(STORE).getAllKeys();
      await done(tx);
      const out = new Set<string>();
      for (const key of req.result) {
        // sync states alone are not content
        if (Array.isArray(key) && isChunkKey(key) && !(ownOnly && isRelayChunkName(key[2]))) out.add(String(key[0]));
      }
      return out;
    },
    async put(records, chunkName) {
      if (records.length === 0) return;
      const tx = (await db()).transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      for (const { documentId, data } of records) {
        const key = [documentId, 'incremental', chunkName];
        store.put({ key, binary: data }, key);
      }
      await done(tx);
    },
    async putChunks(chunks) {
      if (chunks.length === 0) return;
      const tx = (await db()).transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      for (const { documentId, name, data } of chunks) {
        const key = [documentId, 'incremental', name];
        store.put({ key, binary: data }, key);
      }
      await done(tx);
    },
  };
}
