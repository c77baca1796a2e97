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
  const prefixes = (await fsp.readdir(docsDir, { withFileTypes: true }).catch(() => []))
    .filter((p) => p.isDirectory() && p.name.length === 2) // not .tmp, storage-adapter-id
    .map((p) => p.name);
  // Up to 58² two-character folders: read them a batch at a time, not one after the other.
  const lists = await inBatches(prefixes, async (prefix) => {
    const rests = await fsp.readdir(path.join(docsDir, prefix), { withFileTypes: true }).catch(() => []);
    return rests.filter((r) => r.isDirectory() && isBundleDocumentId(prefix + r.name)).map((r) => prefix + r.name);
  });
  return lists.flat();
}

/** Folders read (or stat'ed) at once. */
const FS_BATCH = 64;

/** `fn` over `items`, FS_BATCH at a time, results in order. */
export async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += FS_BATCH) out.push(...(await Promise.all(items.slice(i, i + FS_BATCH).map(fn))));
  return out;
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
