import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo';
import { isValidAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import { checkDoc, migrate, type DocKind } from '../../shared/schema/index.ts';

/** How long a document referenced but not yet on this device is waited for. */
const ARRIVAL_MS = 15_000;

/**
 * `repo.find()` that waits a while for a document not on this device yet. Another device's
 * new document and the workspace entry that refers to it are uploaded separately, so the
 * reference can arrive first; the sync engine applies the document to the handle left
 * "unavailable" by find() when it comes, and the handle turns ready.
 */
async function findArriving<T>(repo: Repo, url: AutomergeUrl): Promise<DocHandle<T>> {
  try {
    return await repo.find<T>(url);
  } catch (e) {
    const handle = repo.handles[parseAutomergeUrl(url).documentId] as DocHandle<T> | undefined;
    if (!handle?.isUnavailable()) throw e;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arrived = await Promise.race([
      handle.whenReady(['ready']).then(() => true),
      new Promise<false>((r) => (timer = setTimeout(() => r(false), ARRIVAL_MS))),
    ]);
    clearTimeout(timer);
    if (!arrived) throw e;
    return handle;
  }
}

export type Opened<T> =
  | { status: 'ok'; handle: DocHandle<T>; readOnly: false }
  | { status: 'newer'; handle: DocHandle<T>; readOnly: true; version: number }
  | { status: 'invalid'; message: string }
  | { status: 'unavailable'; message: string };

/**
 * Finds a document, checks it is of the expected kind and shape, and migrates it
 * if it was written by an older Atelier. Synced documents are untrusted input.
 */
export async function openDoc<T>(repo: Repo, url: string, kind: DocKind): Promise<Opened<T>> {
  if (!isValidAutomergeUrl(url)) return { status: 'invalid', message: `not a document URL: ${url}` };
  let handle: DocHandle<T>;
  try {
    handle = await findArriving<T>(repo, url as AutomergeUrl);
  } catch (e) {
    return { status: 'unavailable', message: e instanceof Error ? e.message : String(e) };
  }
  let checked = checkDoc(kind, handle.doc());
  if (checked.status === 'outdated') {
    handle.change((d) => {
      migrate(kind, d as Record<string, unknown>);
    });
    checked = checkDoc(kind, handle.doc());
  }
  switch (checked.status) {
    case 'ok':
      return { status: 'ok', handle, readOnly: false };
    case 'newer':
      return { status: 'newer', handle, readOnly: true, version: checked.version };
    case 'invalid':
      return { status: 'invalid', message: checked.message };
    case 'outdated':
      return { status: 'invalid', message: `migration from schema ${checked.version} failed` };
  }
}
