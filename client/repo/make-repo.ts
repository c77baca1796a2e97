import { Repo, type PeerId } from '@automerge/automerge-repo';
import { BroadcastChannelNetworkAdapter } from '@automerge/automerge-repo-network-broadcastchannel';
import { newId } from '../../shared/schema/ids.ts';
import { browserStorage } from '../device/persisted.ts';
import { JournaledStorage } from './journaled-storage.ts';
import { IndexedDBStorage } from './indexeddb-storage.ts';
import { createStoredDocuments, type StoredDocuments } from './stored-documents.ts';
import { createSyncLedger, type SyncLedger } from '../sync/sync-ledger.ts';
import type { SaveFailures } from './save-failures.ts';

const DATABASE = 'atelier';

export interface DeviceRepo {
  repo: Repo;
  /** Bulk reads and writes of the same IndexedDB (a new device's bundle) */
  documents: StoredDocuments;
  /** which documents the relay may lack (localStorage): the sync engine uploads them */
  ledger: SyncLedger;
  /** Call synchronously when the page goes away: writes still in flight are kept for the next start. */
  saveBeforeUnload: () => void;
}

/**
 * Writes every open document that is loaded. `repo.flush()` alone rejects as soon as one handle
 * is still loading or unavailable (its `doc()` throws), which is not a failed save:
 * https://github.com/automerge/automerge-repo/issues/740 (canary: automerge-repo-canaries.test.ts).
 * `flush` is marked @hidden (experimental) in automerge-repo 2.5.6 but has no public equivalent;
 * the version is pinned (docs/decisions/2026-12-07-automerge-repo-workarounds.md).
 */
export function flushLoaded(repo: Repo): Promise<void> {
  const ids = Object.values(repo.handles)
    .filter((h) => h.isReady())
    .map((h) => h.documentId);
  return repo.flush(ids);
}

/**
 * The device's repo: IndexedDB is the source of truth (behind a journal that survives the
 * page closing mid-write), other tabs of the same browser are reached through a
 * BroadcastChannel. The repo has no network adapter to the relay: the sync engine
 * (client/sync/engine/) uploads what the storage marks and writes what it receives.
 * Every failed write of a document's content is reported to `saves` (shown to the person).
 */
export function makeRepo(saves: SaveFailures): DeviceRepo {
  // storage disabled (undefined): the journal is off and the ledger in memory; IndexedDB still works
  const local = browserStorage();
  const ledger = createSyncLedger(local);
  const database = new IndexedDBStorage(DATABASE);
  const storage = new JournaledStorage(database, local, (id) => ledger.markUnsynced(id), {
    written: (id) => saves.saved(id),
    failed: (id, err) => saves.failed(id, err),
  });
  const repo = new Repo({
    storage,
    network: [new BroadcastChannelNetworkAdapter()],
    peerId: `device-${newId()}` as PeerId,
    // Share with every peer: with `false` the client never even asks the relay for a document.
    sharePolicy: async () => true,
  });
  return {
    repo,
    documents: createStoredDocuments(database),
    ledger,
    saveBeforeUnload: () => {
      // flush() hands every unsaved change to storage.save() synchronously (before its first
      // await), so the journal written right after holds them.
      // A failure is also reported by the storage (the observer above), per document.
      void flushLoaded(repo).catch(saves.report);
      storage.journal();
    },
  };
}
