import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo';
import { isValidAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import * as Automerge from '@automerge/automerge';
import { mergeWorkspaceInto, checkDoc, referencedUrls, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { parseBackup, BACKUP_FORMAT, type BackupFile } from '../../shared/backup/format.ts';
import { bytesToBase64, base64ToBytes } from '../../shared/backup/base64.ts';
import { importIntoOpenDoc } from '../repo/import-into-open-doc.ts';
import { flushLoaded } from '../repo/make-repo.ts';

const FIND_TIMEOUT_MS = 3000;

async function findLocal<T>(repo: Repo, url: string): Promise<DocHandle<T> | null> {
  try {
    return await Promise.race([
      repo.find<T>(url as AutomergeUrl),
      new Promise<null>((r) => setTimeout(() => r(null), FIND_TIMEOUT_MS)),
    ]);
  } catch {
    return null;
  }
}

export interface BackupProgress {
  done: number;
  total: number;
}

/** Saves the workspace and every document reachable from it (full history) into one file's content. */
export async function makeBackup(repo: Repo, workspaceUrl: string, onProgress?: (p: BackupProgress) => void): Promise<BackupFile> {
  const seen = new Set<string>();
  const queue = [workspaceUrl];
  const docs: BackupFile['docs'] = [];
  const missing: string[] = [];
  while (queue.length) {
    const url = queue.shift() as string;
    if (seen.has(url)) continue;
    seen.add(url);
    const handle = await findLocal<unknown>(repo, url);
    if (!handle) {
      missing.push(url);
      continue;
    }
    const doc = handle.doc();
    docs.push({ url, data: bytesToBase64(Automerge.save(doc as Automerge.Doc<unknown>)) });
    for (const r of referencedUrls(doc)) if (!seen.has(r) && isValidAutomergeUrl(r)) queue.push(r);
    onProgress?.({ done: docs.length, total: docs.length + queue.length });
  }
  return { format: BACKUP_FORMAT, version: 1, createdAt: Date.now(), workspaceUrl, docs, missing };
}

export type RestoreResult =
  | { ok: true; restored: number; merged: number; entriesAdded: number }
  | { ok: false; error: 'not-backup' | 'bad-document' | 'too-large'; detail?: string };

/**
 * Reads a backup back. Documents merge with what is here (Automerge merges, nothing is
 * overwritten); the backup's workspace index is merged into the current workspace.
 * Everything is decoded and checked before the first write, so a damaged file changes nothing.
 */
export async function restoreBackup(repo: Repo, currentWorkspace: DocHandle<WorkspaceDoc>, text: string): Promise<RestoreResult> {
  const parsed = parseBackup(text);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const loaded: Array<{ url: string; doc: Automerge.Doc<unknown>; bytes: Uint8Array }> = [];
  for (const d of parsed.file.docs) {
    const bytes = base64ToBytes(d.data);
    if (!bytes) return { ok: false, error: 'bad-document', detail: d.url };
    try {
      loaded.push({ url: d.url, doc: Automerge.load(bytes), bytes });
    } catch {
      return { ok: false, error: 'bad-document', detail: d.url };
    }
  }
  const backupWs = loaded.find((l) => l.url === parsed.file.workspaceUrl);
  const wsCheck = backupWs ? checkDoc('atelier/workspace', backupWs.doc) : null;
  if (!wsCheck || (wsCheck.status !== 'ok' && wsCheck.status !== 'outdated')) return { ok: false, error: 'bad-document', detail: 'workspace' };

  let restored = 0;
  let merged = 0;
  for (const l of loaded) {
    const existing = await findLocal<unknown>(repo, l.url);
    const docId = parseAutomergeUrl(l.url as AutomergeUrl).documentId;
    // a handle still loading from storage takes the backup once loaded (not before: it would be dropped)
    if (repo.handles[docId]) importIntoOpenDoc(repo, docId, l.bytes);
    else repo.import(l.bytes, { docId });
    if (existing) merged++;
    else restored++;
  }
  let entriesAdded = 0;
  if (currentWorkspace.url !== parsed.file.workspaceUrl && backupWs) {
    const source = backupWs.doc as unknown as WorkspaceDoc;
    currentWorkspace.change((d) => {
      entriesAdded = mergeWorkspaceInto(d, source);
    });
  }
  await flushLoaded(repo);
  return { ok: true, restored, merged, entriesAdded };
}
