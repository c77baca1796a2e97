import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo';
import { isValidAutomergeUrl } from '@automerge/automerge-repo';
import { checkDoc, migrate, type DocKind } from '../../shared/schema/index.ts';

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
    handle = await repo.find<T>(url as AutomergeUrl);
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
