/**
 * Legacy accounts: accounts synced by the previous relay, whose documents lie readable under
 * the account's folder in automerge-repo's NodeFS layout (`<2 chars>/<rest of the document
 * id>/{snapshot,incremental,sync-state}/…`, plus `storage-adapter-id` and `.tmp/`). The new
 * relay keeps them only as a read-only source (POST /api/bundle) until a device has moved them
 * over encrypted and said so (POST /api/legacy/done); `npm run account -- purge-legacy` then
 * deletes them.
 *
 * Only those names are ever touched: the encrypted chunk log lives beside them (`log/`, see
 * server/chunk-store/) and is never a two-character folder.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { accountDocumentsDir, type Account } from './accounts.ts';
import { isBundleDocumentId } from '../shared/sync/bundle-format.ts';

/** automerge-repo document ids are base58; the NodeFS layout splits them after two characters. */
const DOC_PREFIX_RE = /^[1-9A-HJ-NP-Za-km-z]{2}$/;
/** The other names of the NodeFS layout (and of the previous relay's atomic writes). */
const LEGACY_FILES = new Set(['storage-adapter-id', '.tmp']);

function isLegacyEntry(name: string, isDirectory: boolean): boolean {
  return (isDirectory && DOC_PREFIX_RE.test(name)) || LEGACY_FILES.has(name);
}

async function legacyEntries(dataDir: string, accountId: string): Promise<string[]> {
  const dir = accountDocumentsDir(dataDir, accountId);
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  return entries.filter((e) => isLegacyEntry(e.name, e.isDirectory())).map((e) => path.join(dir, e.name));
}

/** Whether the account's folder still holds document folders of the previous relay. */
export async function hasLegacyFiles(dataDir: string, accountId: string): Promise<boolean> {
  const dir = accountDocumentsDir(dataDir, accountId);
  const entries = await fsp.readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  // A document folder, not just the adapter's id: NodeFS splits every key after two characters,
  // so `storage-adapter-id` lies at `st/orage-adapter-id`; an account that never stored a
  // document has nothing to move. Stops at the first document found.
  for (const prefix of entries) {
    if (!prefix.isDirectory() || !DOC_PREFIX_RE.test(prefix.name)) continue;
    const rests = await fsp.readdir(path.join(dir, prefix.name), { withFileTypes: true }).catch(() => []);
    if (rests.some((r) => r.isDirectory() && isBundleDocumentId(prefix.name + r.name))) return true;
  }
  return false;
}

/**
 * `welcome.legacy`: the account still has documents of the previous relay and no device has yet
 * said they moved over. Once marked, stays false even while the files wait for purge-legacy.
 */
export async function isLegacyAccount(dataDir: string, account: Pick<Account, 'id' | 'legacyDoneAt'>): Promise<boolean> {
  if (account.legacyDoneAt !== null) return false;
  return hasLegacyFiles(dataDir, account.id);
}

/** Deletes the account's readable files of the previous relay (nothing else). Returns how many top-level entries went. */
export async function purgeLegacyFiles(dataDir: string, accountId: string): Promise<number> {
  const doomed = await legacyEntries(dataDir, accountId);
  for (const p of doomed) await fsp.rm(p, { recursive: true, force: true });
  return doomed.length;
}
