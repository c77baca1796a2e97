/**
 * A document's storage load that ends after the document arrived from the relay is merged into
 * it, not put in its place.
 *
 * automerge-repo 2.5.x: `find()` registers a new handle with the network before its load from
 * IndexedDB has finished, and when that load ends it replaces the handle's document with what
 * storage held (`handle.update(() => loaded)`). When the relay answers first, the device may
 * already have changed the document: pairing merges this device's workspace into the
 * account's right after `find()`, and the replacement silently dropped that merge (measured:
 * about 1 pairing in 10 in the end-to-end test, when the bundle was filling IndexedDB at the
 * same moment, so the load was slow and returned the relay's copy). The load now returns the
 * union of both, which is what the handle would hold had the load come first.
 */
import * as A from '@automerge/automerge';
import type { DocHandle, DocumentId, Repo } from '@automerge/automerge-repo';

export function mergeLateLoads(repo: Repo): void {
  const storage = repo.storageSubsystem;
  if (!storage) return;
  const load = storage.loadDoc.bind(storage);
  storage.loadDoc = async <T>(documentId: DocumentId): Promise<A.Doc<T> | null> => {
    const loaded = await load<T>(documentId);
    const handle = repo.handles[documentId] as DocHandle<T> | undefined;
    if (!loaded || !handle?.isReady()) return loaded;
    return A.merge(A.clone(handle.doc()), loaded);
  };
}
