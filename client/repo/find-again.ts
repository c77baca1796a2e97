import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo';
import { parseAutomergeUrl } from '@automerge/automerge-repo';

/** How long one attempt waits for the relay's answer to a renewed request. */
const ANSWER_MS = 5_000;

/**
 * `repo.find()` that asks the relay again for a document it once answered "unavailable".
 *
 * automerge-repo keeps an unavailable handle and answers every later `find()` of it with
 * "unavailable" at once; while connected it never asks that peer again (only a reconnection
 * does). A new device asks for thousands of documents while the relay may still be loading
 * them, so some come back unavailable although they exist. Restarting the document's
 * synchronizer sends a fresh request; the handle turns ready when the answer arrives.
 */
export async function findAgain<T>(repo: Repo, url: AutomergeUrl): Promise<DocHandle<T>> {
  try {
    return await repo.find<T>(url);
  } catch (e) {
    const { documentId } = parseAutomergeUrl(url);
    const handle = repo.handles[documentId] as DocHandle<T> | undefined;
    if (!handle || handle.state !== 'unavailable') throw e;
    repo.synchronizer.removeDocument(documentId);
    repo.synchronizer.addDocument(handle);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answered = await Promise.race([
      handle.whenReady(['ready']).then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), ANSWER_MS))),
    ]);
    clearTimeout(timer);
    if (!answered) throw e;
    return handle;
  }
}
