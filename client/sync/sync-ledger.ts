/**
 * Which documents the relay may lack, kept in localStorage (never synced), so that coming online
 * does not mean loading every document the device has: documents whose content was saved on
 * this device and not yet confirmed as held by the relay. Marked synchronously when the repo
 * writes a document (before the write), cleared once the relay acknowledged them (the engine's
 * list of documents to upload).
 */

export type LedgerStore = Pick<Storage, 'getItem' | 'setItem'>;

interface LedgerData {
  v: 1;
  unsynced: string[];
}

const KEY = 'atelier.sync-ledger';

export interface SyncLedger {
  isUnsynced(documentId: string): boolean;
  unsyncedIds(): string[];
  /** `fn` is told of every mark, also of a document already marked (it was saved again) */
  onMarked(fn: (documentId: string) => void): () => void;
  markUnsynced(documentId: string): void;
  markSynced(documentId: string): void;
}

function read(store: LedgerStore | undefined): LedgerData {
  const empty: LedgerData = { v: 1, unsynced: [] };
  try {
    const raw = JSON.parse(store?.getItem(KEY) ?? 'null') as Partial<LedgerData> | null;
    if (!raw || raw.v !== 1 || !Array.isArray(raw.unsynced)) return empty;
    return { v: 1, unsynced: raw.unsynced.filter((x): x is string => typeof x === 'string') };
  } catch {
    return empty; // damaged: start over (a pairing or move-over offers every document once)
  }
}

export function createSyncLedger(store: LedgerStore | undefined): SyncLedger {
  const data = read(store);
  const unsynced = new Set(data.unsynced);
  const write = () => {
    try {
      store?.setItem(KEY, JSON.stringify({ v: 1, unsynced: [...unsynced] } satisfies LedgerData));
    } catch {
      /* quota: the in-memory ledger still works for this session */
    }
  };
  const listeners = new Set<(id: string) => void>();
  return {
    isUnsynced: (id) => unsynced.has(id),
    unsyncedIds: () => [...unsynced],
    onMarked(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    markUnsynced(id) {
      if (!unsynced.has(id)) {
        unsynced.add(id);
        write();
      }
      for (const fn of listeners) fn(id);
    },
    markSynced(id) {
      if (unsynced.delete(id)) write();
    },
  };
}
