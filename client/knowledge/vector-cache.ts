import { memoryVectorStore, type VectorStore } from '../../shared/rag/index-session.ts';

/*
 * Embedding vectors are derived data: cached on this device in IndexedDB, keyed by the
 * embedding model and the SHA-256 of the passage text. Never synced; recomputed when missing.
 * Read and written from the retrieval worker.
 */

const DB = 'atelier-vectors';
const STORE = 'vectors';

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => {
      const db = req.result;
      // let another tab upgrade, or someone clear the cache: reopen on next use
      db.onversionchange = () => {
        db.close();
        opening = null;
      };
      resolve(db);
    };
    req.onerror = () => {
      opening = null;
      reject(req.error ?? new Error('IndexedDB unavailable'));
    };
  });
  return opening;
}

export async function getVectors(keys: string[]): Promise<Array<Float32Array | undefined>> {
  if (keys.length === 0) return [];
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, 'readonly');
    const store = tx.objectStore(STORE);
    const out: Array<Float32Array | undefined> = new Array(keys.length);
    keys.forEach((k, i) => {
      const r = store.get(k);
      r.onsuccess = () => {
        out[i] = r.result instanceof Float32Array ? r.result : undefined;
      };
    });
    tx.oncomplete = () => resolve(out);
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB read failed'));
  });
}

export async function putVectors(entries: Array<[string, Float32Array]>): Promise<void> {
  if (entries.length === 0) return;
  const db = await open();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    const store = tx.objectStore(STORE);
    for (const [k, v] of entries) store.put(v, k);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
  });
}

/** The cache as the retrieval session uses it; in memory when this context has no IndexedDB. */
export function idbVectorStore(): VectorStore {
  return typeof indexedDB === 'undefined' ? memoryVectorStore() : { get: getVectors, put: putVectors };
}
