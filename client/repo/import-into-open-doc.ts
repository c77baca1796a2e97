/**
 * Changes received for a document (a relay chunk already written to storage) loaded into its
 * open handle, through the repo's public `import`, but never while the handle is still loading
 * from storage.
 *
 * Why: automerge-repo 2.5.6 ends a `find()` by putting what storage held in place of the handle's
 * document (`handle.update(() => loaded)` in Repo#loadDocumentWithProgress), and it registers the
 * handle before that load ends. Changes loaded into the handle meanwhile turn it ready (a second
 * `find()` returns it at once and may change it: pairing merges this device's workspace into the
 * account's right then) and are then silently dropped by the late load, with whatever was changed
 * on top (measured: about 1 pairing in 10 lost the device's merge). No upstream issue found
 * (docs/decisions/2026-12-07-automerge-repo-workarounds.md has the text of one); automerge-repo's
 * main merges instead since commit 92de1f5a (2.6.0 alphas only). Canary:
 * automerge-repo-canaries.test.ts, which fails once the pinned version merges.
 * Waiting for the load to end is what the library's own DocSynchronizer does with sync
 * messages that arrive meanwhile (it holds them until ready, requesting or unavailable).
 */
import * as A from '@automerge/automerge';
import type { DocHandle, DocumentId, HandleState, Repo } from '@automerge/automerge-repo';

/** The storage load has ended: what `import` loads now stays. */
const LOADED: HandleState[] = ['ready', 'requesting', 'unavailable'];
/** ...or never will matter. */
const SETTLED: HandleState[] = [...LOADED, 'deleted', 'unloaded'];

export interface Imported {
  /** the document's heads just before and after: only when it was ready and took the changes at once */
  before: A.Heads;
  after: A.Heads;
}

async function importOnceLoaded(repo: Repo, handle: DocHandle<unknown>, changes: Uint8Array): Promise<void> {
  // whenReady() rejects after the handle's timeout (60 s); a load that slow is waited for again
  while (!handle.inState(SETTLED)) await handle.whenReady(SETTLED).catch(() => undefined);
  if (handle.inState(LOADED)) repo.import(changes, { docId: handle.documentId });
}

/**
 * Loads `changes` into the open handle of `documentId`. No handle: nothing to do (the changes
 * are in storage, which its next load reads). A handle still loading takes them once its load
 * has ended. Returns the heads around the import when it happened at once on a ready document.
 */
export function importIntoOpenDoc(repo: Repo, documentId: DocumentId, changes: Uint8Array): Imported | null {
  const handle: DocHandle<unknown> | undefined = repo.handles[documentId];
  if (!handle || handle.inState(['deleted', 'unloaded'])) return null;
  if (!handle.inState(LOADED)) {
    void importOnceLoaded(repo, handle, changes);
    return null;
  }
  const before = handle.isReady() ? A.getHeads(handle.doc()) : null;
  repo.import(changes, { docId: documentId });
  return before && handle.isReady() ? { before, after: A.getHeads(handle.doc()) } : null;
}
