/**
 * What the engine knows of the relay, per relay account, kept on the device (IndexedDB
 * `atelier-sync`, never synced):
 *  - `lastSeq`: every log entry up to it is saved on this device (saved only after them);
 *  - per document: `relayHeads`, heads the relay is known to hold (what an upload is computed
 *    since; empty = nothing known, the next upload is the whole document), and `chunks`, the
 *    ids of its chunks on the relay as far as this device knows (what a compaction covers);
 *  - `uploadedAll`: every document of this device was uploaded once to this account (a new
 *    account, a migrated legacy account).
 */
export interface DocSyncState {
  relayHeads: string[];
  chunks: string[];
}

export interface AccountSyncState {
  lastSeq: number;
  uploadedAll: boolean;
  docs: Map<string, DocSyncState>;
}

export interface SyncStateStore {
  load(account: string): Promise<AccountSyncState>;
  saveDocs(account: string, docs: ReadonlyArray<readonly [string, DocSyncState]>): Promise<void>;
  saveAccount(account: string, state: { lastSeq: number; uploadedAll: boolean }): Promise<void>;
}

const fresh = (): AccountSyncState => ({ lastSeq: 0, uploadedAll: false, docs: new Map() });
const copy = (d: DocSyncState): DocSyncState => ({ relayHeads: [...d.relayHeads], chunks: [...d.chunks] });

/** In memory: a device that keeps nothing between sessions (and tests). */
export function memorySyncStateStore(): SyncStateStore {
  const accounts = new Map<string, AccountSyncState>();
  const get = (account: string) => {
    let a = accounts.get(account);
    if (!a) accounts.set(account, (a = fresh()));
    return a;
  };
  return {
    async load(account) {
      const a = get(account);
      return { lastSeq: a.lastSeq, uploadedAll: a.uploadedAll, docs: new Map([...a.docs].map(([k, v]) => [k, copy(v)])) };
    },
    async saveDocs(account, docs) {
      const a = get(account);
      for (const [id, d] of docs) a.docs.set(id, copy(d));
    },
    async saveAccount(account, state) {
      Object.assign(get(account), state);
    },
  };
}

const DB = 'atelier-sync';
const ACCOUNTS = 'accounts';
const DOCS = 'docs';

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

function isDocState(v: unknown): v is DocSyncState {
  const d = v as Partial<DocSyncState> | null;
  return !!d && Array.isArray(d.relayHeads) && Array.isArray(d.chunks) && d.relayHeads.every((h) => typeof h === 'string') && d.chunks.every((c) => typeof c === 'string');
}

/** IndexedDB: accounts keyed by account id, documents keyed by [account id, document id]. */
export function indexedDbSyncStateStore(factory: IDBFactory = indexedDB, name = DB): SyncStateStore {
  let opened: Promise<IDBDatabase> | null = null;
  const db = () => {
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = factory.open(name, 1);
      req.onupgradeneeded = () => {
        req.result.createObjectStore(ACCOUNTS);
        req.result.createObjectStore(DOCS);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    opened.catch(() => (opened = null)); // a failed open is tried again next time
    return opened;
  };
  return {
    async load(account) {
      const tx = (await db()).transaction([ACCOUNTS, DOCS]);
      const acc = tx.objectStore(ACCOUNTS).get(account);
      const range = IDBKeyRange.bound([account], [account, []]);
      const keys = tx.objectStore(DOCS).getAllKeys(range);
      const values = tx.objectStore(DOCS).getAll(range);
      await done(tx);
      const out = fresh();
      const a = acc.result as { lastSeq?: unknown; uploadedAll?: unknown } | undefined;
      if (a && typeof a.lastSeq === 'number' && Number.isInteger(a.lastSeq) && a.lastSeq >= 0) out.lastSeq = a.lastSeq;
      out.uploadedAll = a?.uploadedAll === true;
      keys.result.forEach((k, i) => {
        const v = values.result[i];
        // A damaged record is as if unknown: the document is uploaded whole again, never lost.
        if (Array.isArray(k) && typeof k[1] === 'string' && isDocState(v)) out.docs.set(k[1], copy(v));
      });
      return out;
    },
    async saveDocs(account, docs) {
      if (docs.length === 0) return;
      const tx = (await db()).transaction(DOCS, 'readwrite');
      const store = tx.objectStore(DOCS);
      for (const [id, d] of docs) store.put(copy(d), [account, id]);
      await done(tx);
    },
    async saveAccount(account, state) {
      const tx = (await db()).transaction(ACCOUNTS, 'readwrite');
      tx.objectStore(ACCOUNTS).put({ lastSeq: state.lastSeq, uploadedAll: state.uploadedAll }, account);
      await done(tx);
    },
  };
}
