import { Repo, type PeerId } from '@automerge/automerge-repo';
import { IndexedDBStorageAdapter } from '@automerge/automerge-repo-storage-indexeddb';
import { BroadcastChannelNetworkAdapter } from '@automerge/automerge-repo-network-broadcastchannel';
import { newId } from '../../shared/schema/ids.ts';

/**
 * The device's repo: IndexedDB is the source of truth, other tabs of the same
 * browser are reached through a BroadcastChannel; the relay adapter is added
 * later, only when the device is paired.
 */
export function makeRepo(): Repo {
  return new Repo({
    storage: new IndexedDBStorageAdapter('atelier'),
    network: [new BroadcastChannelNetworkAdapter()],
    peerId: `device-${newId()}` as PeerId,
    // Share with every peer: with `false` the client never even asks the relay for a document.
    sharePolicy: async () => true,
  });
}
