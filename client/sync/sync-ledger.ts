/**
 * What this device knows about its documents and the relay, kept in localStorage (never
 * synced), so that coming online does not mean loading every document it has:
 * - `unsynced`: documents whose content was saved on this device (a local edit, or a change
 *   from elsewhere) and not yet confirmed as held by the relay. Marked synchronously when the
 *   repo writes a document (before the write), cleared once the relay's heads equal ours.
 * - per relay link: the relay time of the last complete bundle (the next one only brings what
 *   changed since), and whether every document has been offered to that relay once (a device
 *   upgraded from a version without this ledger, or paired with another relay, does that once).
 */

export type LedgerStore = Pick<Storage, 'getItem' | 'setItem'>;

interface LedgerData {
  v: 1;
  unsynced: string[];
  /** relay link key → its state */
  relays: Record<string, { bundleAt: number | null; fullPushDone: boolean }>;
}

const KEY = 'atelier.sync-ledger';

export interface SyncLedger {
  isUnsynced(documentId: string): boolean;
  unsyncedCount(): number;
  unsyncedIds(): string[];
  /** `fn` is told of every mark, also of a document already marked (it was saved again) */
  onMarked(fn: (documentId: string) => void): () => void;
  markUnsynced(documentId: string): void;
  markSynced(documentId: string): void;
  bundleAt(link: string): number | null;
  setBundleAt(link: string, at: number): void;
  fullPushDone(link: string): boolean;
  setFullPushDone(link: string): void;
}

/** A relay link's key: its address and a digest of its token (the token itself stays in the device settings only). */
export function relayLinkKey(url: string, token: string): string {
  let h = 0x811c9dc5; // FNV-1a: only tells tokens apart, nothing secret rests on it
  for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193) >>> 0;
  return `${url}#${h.toString(16)}`;
}

function read(store: LedgerStore | undefined): LedgerData {
  const empty: LedgerData = { v: 1, unsynced: [], relays: {} };
  try {
    const raw = JSON.parse(store?.getItem(KEY) ?? 'null') as Partial<LedgerData> | null;
    if (!raw || raw.v !== 1 || !Array.isArray(raw.unsynced) || typeof raw.relays !== 'object' || raw.relays === null) return empty;
    return { v: 1, unsynced: raw.unsynced.filter((x): x is string => typeof x === 'string'), relays: raw.relays };
  } catch {
    return empty; // damaged: start over (the next push offers everything once)
  }
}

export function createSyncLedger(store: LedgerStore | undefined): SyncLedger {
  const data = read(store);
  const unsynced = new Set(data.unsynced);
  const write = () => {
    try {
      store?.setItem(KEY, JSON.stringify({ ...data, unsynced: [...unsynced] }));
    } catch {
      /* quota: the in-memory ledger still works for this session */
    }
  };
  const listeners = new Set<(id: string) => void>();
  const relay = (link: string) => (data.relays[link] ??= { bundleAt: null, fullPushDone: false });
  return {
    isUnsynced: (id) => unsynced.has(id),
    unsyncedCount: () => unsynced.size,
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
    bundleAt: (link) => data.relays[link]?.bundleAt ?? null,
    setBundleAt(link, at) {
      relay(link).bundleAt = at;
      write();
    },
    fullPushDone: (link) => data.relays[link]?.fullPushDone ?? false,
    setFullPushDone(link) {
      relay(link).fullPushDone = true;
      write();
    },
  };
}
