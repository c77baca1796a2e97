/**
 * Reads an account's stored documents straight from its folder (the NodeFS layout of
 * doc-storage.ts), for the document bundle (shared/sync/bundle-format.ts). No Automerge load:
 * a new device's 5,000 documents cost the relay file reads, not 5,000 loaded documents.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { isBundleDocumentId } from '../shared/sync/bundle-format.ts';

const CHUNK_DIRS = ['snapshot', 'incremental'] as const;

/** Every document id with a folder in the account's storage (a folder may hold only sync states). */
export async function listStoredDocuments(docsDir: string): Promise<string[]> {
  const ids: string[] = [];
  const prefixes = await fsp.readdir(docsDir, { withFileTypes: true }).catch(() => []);
  for (const prefix of prefixes) {
    if (!prefix.isDirectory() || prefix.name.length !== 2) continue; // .tmp, storage-adapter-id
    const rests = await fsp.readdir(path.join(docsDir, prefix.name), { withFileTypes: true }).catch(() => []);
    for (const rest of rests) {
      const id = prefix.name + rest.name;
      if (rest.isDirectory() && isBundleDocumentId(id)) ids.push(id);
    }
  }
  return ids;
}

/**
 * When the document's content last changed on disk (ms): chunk files are renamed into, and
 * removed from, its snapshot/ and incremental/ folders, which updates their mtime. 0 if none.
 */
export async function documentChangedAt(docsDir: string, documentId: string): Promise<number> {
  const dir = path.join(docsDir, documentId.slice(0, 2), documentId.slice(2));
  let latest = 0;
  for (const kind of CHUNK_DIRS) {
    const st = await fsp.stat(path.join(dir, kind)).catch(() => null);
    if (st) latest = Math.max(latest, st.mtimeMs);
  }
  return latest;
}

/**
 * The document's chunks (snapshots and incremental changes) concatenated, which
 * Automerge.loadIncremental reads as one document; null when it has none. Chunk files are
 * renamed into place whole, but compaction may delete one between listing and reading:
 * then the listing is read again (a few times at most).
 */
export async function readStoredDocument(docsDir: string, documentId: string): Promise<Buffer | null> {
  const dir = path.join(docsDir, documentId.slice(0, 2), documentId.slice(2));
  for (let attempt = 0; ; attempt++) {
    try {
      const files: string[] = [];
      for (const kind of CHUNK_DIRS) {
        const names = await fsp.readdir(path.join(dir, kind)).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return [] as string[];
          throw err;
        });
        for (const n of names) files.push(path.join(dir, kind, n));
      }
      if (files.length === 0) return null;
      const parts = await Promise.all(files.map((f) => fsp.readFile(f)));
      return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw err;
    }
  }
}
