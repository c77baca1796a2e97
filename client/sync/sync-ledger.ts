/**
 * Which documents the relay may lack, kept in localStorage (never synced), so that coming online
 * does not mean loading every document the device has: documents whose content was saved on
 * this device and not yet confirmed as held by the relay. Marked synchronously when the repo
 * writes a document (before the write), cleared once the relay acknowledged them (the engine's
 * list of documents to upload). Shared by the device's tabs: a follower tab's marks reach the
 * leading tab (the one that uploads) through the `storage` event.
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

function parse(text: string | null | undefined): string[] {
  try {
    const raw = JSON.parse(text ?? 'null') as Partial<LedgerData> | null;
    if (!raw || raw.v !== 1 || !Array.isArray(raw.unsynced)) return [];
    return raw.unsynced.filter((x): x is string => typeof x === 'string');
  } catch {
    return []; // damaged: start over (a pairing or move-over offers every document once)
  }
}

export function createSyncLedger(store: LedgerStore | undefined): SyncLedger {
  let stored: string | null = null;
  try {
    stored = store?.getItem(KEY) ?? null;
  } catch {
    /* storage refused: an in-memory ledger for this session */
  }
  const unsynced = new Set(parse(stored));
  const write = () => {
    try {
      store?.setItem(KEY, JSON.stringify({ v: 1, unsynced: [...unsynced] } satisfies LedgerData));
    } catch {
      /* quota: the in-memory ledger still works for this session */
    }
  };
  const listeners = new Set<(id: string) => void>();
  if (typeof window !== 'undefined' && store)
    window.addEventListener('storage', (e) => {
      if (e.key !== KEY) return;
      const before = new Set(parse(e.oldValue));
      const after = new Set(parse(e.newValue));
      for (const id of before) if (!after.has(id)) unsynced.delete(id);
      const added = [...after].filter((id) => !before.has(id) && !unsynced.has(id));
      if (added.length === 0) return;
      for (const id of added) unsynced.add(id);
      // Written back: a concurrent write by another tab may have left these out of the stored list.
      write();
      for (const id of added) for (const fn of listeners) fn(id);
    });
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
