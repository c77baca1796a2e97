/**
 * Which documents the relay may lack, kept in localStorage (never synced), so that coming online
 * does not mean loading every document the device has: documents whose content was saved on
 * this device and not yet confirmed as held by the relay. Marked synchronously when the repo
 * writes a document (before the write), cleared once the relay acknowledged them (the engine's
 * list of documents to upload). Shared by the device's tabs: a follower tab's marks reach the
 * leading tab (the one that uploads) through the `storage` event.
 */

import * as v from 'valibot';
import { makePersisted, validItems } from '../device/persisted.ts';

export type LedgerStore = Pick<Storage, 'getItem' | 'setItem'>;

const KEY = 'atelier.sync-ledger';

const Ledger = v.object({ v: v.literal(1), unsynced: v.array(v.string()) });
type LedgerData = v.InferOutput<typeof Ledger>;

export interface SyncLedger {
  isUnsynced(documentId: string): boolean;
  unsyncedIds(): string[];
  /** `fn` is told of every mark, also of a document already marked (it was saved again) */
  onMarked(fn: (documentId: string) => void): () => void;
  markUnsynced(documentId: string): void;
  markSynced(documentId: string): void;
}

export function createSyncLedger(store: LedgerStore | undefined): SyncLedger {
  // No storage (Node test devices, storage refused): an in-memory ledger for this session.
  const stored = makePersisted<LedgerData>({
    key: KEY,
    what: 'syncLedger',
    schema: Ledger,
    // damaged: the ids that still read as ids; none at worst (a pairing or move-over offers every document once)
    fallback: () => ({ v: 1, unsynced: [] }),
    salvage: (parsed) => ({ v: 1, unsynced: validItems(v.string())((parsed as { unsynced?: unknown } | null)?.unsynced) }),
    storage: () => store,
  });
  const unsynced = new Set(stored.read().unsynced);
  const write = () => {
    if (store) stored.write({ v: 1, unsynced: [...unsynced] });
  };
  const listeners = new Set<(id: string) => void>();
  if (store)
    stored.follow((now, was) => {
      const before = new Set(was.unsynced);
      const after = new Set(now.unsynced);
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
