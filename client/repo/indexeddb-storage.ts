/**
 * The device's document storage in IndexedDB: automerge-repo's public `StorageAdapterInterface`,
 * plus the bulk reads and writes the sync engine needs (a new device receives thousands of chunks
 * at once: one transaction for all of them, not one per chunk).
 *
 * Our own adapter rather than `@automerge/automerge-repo-storage-indexeddb`, so that the bulk
 * writes go through the same code and connection that owns the database instead of into another
 * library's store. The layout is the one that adapter wrote, kept so that data stored before stays
 * readable (a test writes with that adapter and reads with this one):
 * database `name` at version 1, one object store "documents", out-of-line keys equal to the
 * storage key (an array of strings), values `{ key, binary }`.
 */
import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo';

const STORE = 'documents';
const VERSION = 1;

interface Row {
  key: StorageKey;
  binary: Uint8Array;
}

export interface StorageEntry {
  key: StorageKey;
  data: Uint8Array;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves once the transaction committed (a write is durable only then). */
function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** Every key that starts with `prefix` (keys are arrays of strings; `[]` sorts after every string). */
function prefixRange(prefix: StorageKey): IDBKeyRange | undefined {
  return prefix.length === 0 ? undefined : IDBKeyRange.bound(prefix, [...prefix, []]);
}

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && 'binary' in value && (value as Row).binary instanceof Uint8Array;
}

export class IndexedDBStorage implements StorageAdapterInterface {
  readonly #name: string;
  #opened: Promise<IDBDatabase> | null = null;

  constructor(name: string) {
    this.#name = name;
  }

  #db(): Promise<IDBDatabase> {
    if (!this.#opened) {
      const opening = new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(this.#name, VERSION);
        req.onupgradeneeded = () => {
          if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
        };
        req.onsuccess = () => {
          const db = req.result;
          // another tab upgrading the database (a future version) must not be blocked by this one
          db.onversionchange = () => {
            db.close();
            if (this.#opened === opening) this.#opened = null;
          };
          resolve(db);
        };
        req.onerror = () => reject(req.error);
      });
      this.#opened = opening;
      // a failed open is tried again by the next call
      opening.catch(() => {
        if (this.#opened === opening) this.#opened = null;
      });
    }
    return this.#opened;
  }

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    const tx = (await this.#db()).transaction(STORE);
    const row: unknown = await request(tx.objectStore(STORE).get(key));
    return isRow(row) ? row.binary : undefined;
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    await this.saveMany([{ key, data }]);
  }

  /** Writes every entry in one transaction: all of them are stored, or none. */
  async saveMany(entries: readonly StorageEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const tx = (await this.#db()).transaction(STORE, 'readwrite');
    const done = committed(tx);
    const store = tx.objectStore(STORE);
    try {
      for (const { key, data } of entries) store.put({ key, binary: data } satisfies Row, key);
    } catch (err) {
      // put() throws for a value or key it cannot store; the puts before it must not commit alone
      tx.abort();
      done.catch(() => undefined);
      throw err;
    }
    await done;
  }

  async remove(key: StorageKey): Promise<void> {
    const tx = (await this.#db()).transaction(STORE, 'readwrite');
    tx.objectStore(STORE).delete(key);
    await committed(tx);
  }

  async loadRange(keyPrefix: StorageKey): Promise<Chunk[]> {
    const tx = (await this.#db()).transaction(STORE);
    const store = tx.objectStore(STORE);
    const range = prefixRange(keyPrefix);
    const [keys, rows] = await Promise.all([request(store.getAllKeys(range)), request(store.getAll(range))]);
    const out: Chunk[] = [];
    keys.forEach((key, i) => {
      const row: unknown = rows[i];
      if (Array.isArray(key) && isRow(row)) out.push({ key: key.map(String), data: row.binary });
    });
    return out;
  }

  async removeRange(keyPrefix: StorageKey): Promise<void> {
    const tx = (await this.#db()).transaction(STORE, 'readwrite');
    const range = prefixRange(keyPrefix);
    if (range) tx.objectStore(STORE).delete(range);
    else tx.objectStore(STORE).clear();
    await committed(tx);
  }

  /** Every stored key, without reading the values (cheap even with thousands of documents). */
  async keys(): Promise<StorageKey[]> {
    const tx = (await this.#db()).transaction(STORE);
    const keys = await request(tx.objectStore(STORE).getAllKeys());
    return keys.filter((k): k is IDBValidKey[] => Array.isArray(k)).map((k) => k.map(String));
  }
}
