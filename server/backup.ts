/**
 * Backup and restore of a relay's DATA_DIR, safe while the relay runs (scripts/backup.ts and
 * scripts/restore.ts are the command-line faces).
 *
 * The backup is a .tar.gz of `accounts.json` and `accounts/<id>/…` (the document files), with a
 * manifest (`atelier-backup.json`: every file's size and sha256) as the last entry.
 *
 * Why a copy taken while the relay runs is consistent:
 * - Every file is written whole, then renamed into place (accounts.json and document chunks
 *   alike), so any file read is complete: old or new, never half.
 * - Chunk files never change once written (snapshots are named by the heads they hold,
 *   incrementals by their content's hash). The only deletion is compaction, which writes a
 *   snapshot holding the chunks first and deletes them after.
 * - So each document is copied from one listing of its files: incrementals are listed before
 *   snapshots (an incremental gone before its listing is in a snapshot written before that, and
 *   so present at the later snapshot listing, or replaced by a newer one that is), then every
 *   listed file is read; if one vanished meanwhile, the document is listed and read again.
 *   What is copied is the document as it was at some moment during the backup, including
 *   everything acknowledged before the backup started. Documents are independent (Automerge
 *   has no cross-document transactions), so per-document consistency is what matters.
 * - accounts.json is read first: an account is written there only after its workspace
 *   document is on disk, so every account in the copy has its workspace. (An account created
 *   during the backup is simply not in it.)
 *
 * Restore never loses data: it checks the whole archive (checksums, manifest, paths) before
 * writing anything; it refuses a non-empty DATA_DIR unless `force`, and then merges: document
 * files are added next to what is there (Automerge chunks merge: loading a document reads all
 * its chunk files), a file that exists with the same content is skipped, one with different
 * content is kept and the archived one added under another name; accounts are merged by id
 * under the accounts file lock, the existing entry winning (its token stays valid).
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { readTarGz, writeTarGz, ArchiveError, type TarEntry } from './archive.ts';
import { accountsFilePath, withFileLock, writeFileAtomic, ACCOUNT_ID_RE } from './accounts.ts';

export const MANIFEST_PATH = 'atelier-backup.json';
const FORMAT = 'atelier-relay-backup';

interface ManifestFile {
  path: string;
  size: number;
  sha256: string;
}

interface Manifest {
  format: typeof FORMAT;
  version: 1;
  createdAt: string;
  files: ManifestFile[];
}

export interface BackupSummary {
  accounts: number;
  documents: number;
  files: number;
  bytes: number;
}

export interface RestoreSummary {
  accountsAdded: string[];
  accountsKept: string[];
  accountsRenamed: { from: string; to: string }[];
  filesWritten: number;
  filesSkipped: number;
  filesAddedBeside: number;
}

export class BackupError extends Error {
  override name = 'BackupError';
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Document file paths inside an account folder: <2 chars>/<rest of id>/<kind>/<name>, or the storage id file. */
const DOC_FILE_RE = /^[^/.][^/]?\/[^/.][^/]*\/(snapshot|incremental|sync-state)\/[^/.][^/]*$/;
const STORAGE_ID_PATH = 'st/orage-adapter-id';
/** Segments of the account's encrypted chunk log (server/chunk-store/segments.ts). */
const LOG_FILE_RE = /^log\/\d{8}\.seg$/;

/** Whether a path from an archive may be restored (and where it lands is inside DATA_DIR). */
export function isRestorablePath(p: string): boolean {
  if (p === 'accounts.json') return true;
  const m = /^accounts\/([0-9a-f]{24})\/(.+)$/.exec(p);
  if (!m?.[1] || !m[2] || !ACCOUNT_ID_RE.test(m[1])) return false;
  if (m[2].split('/').some((part) => part === '' || part === '.' || part === '..' || part.includes('\\') || part.includes('\0'))) return false;
  return m[2] === STORAGE_ID_PATH || DOC_FILE_RE.test(m[2]) || LOG_FILE_RE.test(m[2]);
}

/**
 * The segments of an account's chunk log, all from one generation of the log folder. Segments
 * are append-only: a copy holds every record written before it was read (a torn last record is
 * cut off when the restored log is opened). Reclaim replaces the whole folder (a rename): if the
 * folder changed while it was read, it is read again.
 */
async function readLog(logDir: string, rel: string): Promise<TarEntry[]> {
  const ino = async () => (await fsp.stat(logDir).catch(() => null))?.ino ?? null;
  for (let attempt = 0; attempt < 50; attempt++) {
    const before = await ino();
    if (before === null) return [];
    const names = (await listFiles(logDir)).filter((n) => /^\d{8}\.seg$/.test(n)).sort();
    const entries: TarEntry[] = [];
    let vanished = false;
    for (const n of names) {
      const data = await readIfThere(path.join(logDir, n));
      if (data === null) {
        vanished = true;
        break;
      }
      entries.push({ path: `${rel}/${n}`, data });
    }
    if (!vanished && (await ino()) === before) return entries;
  }
  throw new BackupError(`${rel} kept changing during the backup; try again`);
}

async function readIfThere(file: string): Promise<Buffer | null> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    return (await fsp.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** One document's files, from one listing (see the header comment). */
async function readDocument(docDir: string, rel: string): Promise<TarEntry[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const listing: string[] = [];
    for (const kind of ['incremental', 'snapshot', 'sync-state']) {
      for (const name of await listFiles(path.join(docDir, kind))) listing.push(`${kind}/${name}`);
    }
    const entries: TarEntry[] = [];
    let vanished = false;
    for (const f of listing) {
      const data = await readIfThere(path.join(docDir, f));
      if (data === null) {
        if (f.startsWith('sync-state/')) continue; // sync states are a cache: losing one is harmless
        vanished = true; // compacted meanwhile: list again
        break;
      }
      entries.push({ path: `${rel}/${f}`, data });
    }
    if (!vanished) return entries;
  }
  throw new BackupError(`${rel} kept changing during the backup; try again`);
}

/** Writes a backup of `dataDir` to `outFile` (atomically: a temp file renamed at the end). */
export async function createBackup(dataDir: string, outFile: string): Promise<BackupSummary> {
  const accountsText = await readIfThere(accountsFilePath(dataDir));
  if (accountsText === null) throw new BackupError(`${dataDir} has no accounts.json: is DATA_DIR right?`);
  try {
    JSON.parse(accountsText.toString('utf8'));
  } catch {
    throw new BackupError(`${accountsFilePath(dataDir)} is not valid JSON; fix it before backing up`);
  }
  const summary: BackupSummary = { accounts: 0, documents: 0, files: 0, bytes: 0 };
  const manifest: Manifest = { format: FORMAT, version: 1, createdAt: new Date().toISOString(), files: [] };
  const note = (e: TarEntry): TarEntry => {
    manifest.files.push({ path: e.path, size: e.data.byteLength, sha256: sha256(e.data) });
    summary.files++;
    summary.bytes += e.data.byteLength;
    return e;
  };
  async function* entries(): AsyncGenerator<TarEntry> {
    yield note({ path: 'accounts.json', data: accountsText! });
    const accountsDir = path.join(dataDir, 'accounts');
    for (const id of await listDirs(accountsDir)) {
      if (!ACCOUNT_ID_RE.test(id)) continue;
      summary.accounts++;
      const base = path.join(accountsDir, id);
      const storageId = await readIfThere(path.join(base, STORAGE_ID_PATH));
      if (storageId) yield note({ path: `accounts/${id}/${STORAGE_ID_PATH}`, data: storageId });
      for (const e of await readLog(path.join(base, 'log'), `accounts/${id}/log`)) yield note(e);
      for (const prefix of await listDirs(base)) {
        if (prefix === 'log' || prefix.startsWith('log.')) continue;
        for (const rest of await listDirs(path.join(base, prefix))) {
          const docEntries = await readDocument(path.join(base, prefix, rest), `accounts/${id}/${prefix}/${rest}`);
          if (docEntries.some((e) => !e.path.includes('/sync-state/'))) summary.documents++;
          for (const e of docEntries) yield note(e);
        }
      }
    }
    const text = `${JSON.stringify(manifest, null, 1)}\n`;
    yield { path: MANIFEST_PATH, data: Buffer.from(text, 'utf8') };
  }
  const dir = path.dirname(path.resolve(outFile));
  const tmp = path.join(dir, `.${path.basename(outFile)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeTarGz(tmp, entries());
    const fh = await fsp.open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, outFile);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  return summary;
}

interface CheckedArchive {
  manifest: Manifest;
  /** path → sha256 */
  files: Map<string, string>;
}

/** Reads the whole archive once and checks it: every file listed, sizes and hashes right, paths restorable. */
export async function verifyBackup(file: string): Promise<CheckedArchive> {
  const st = await fsp.stat(file).catch(() => null);
  if (!st?.isFile()) throw new BackupError(`${file} does not exist or is not a file`);
  const seen = new Map<string, { size: number; sha256: string }>();
  let manifest: Manifest | null = null;
  try {
    for await (const e of readTarGz(file)) {
      if (manifest) throw new BackupError('the archive has files after its manifest');
      if (e.path === MANIFEST_PATH) {
        const parsed = JSON.parse(Buffer.from(e.data).toString('utf8')) as Partial<Manifest>;
        if (parsed.format !== FORMAT || parsed.version !== 1 || !Array.isArray(parsed.files)) throw new BackupError('not an Atelier relay backup (unknown manifest)');
        manifest = parsed as Manifest;
        continue;
      }
      if (!isRestorablePath(e.path)) throw new BackupError(`the archive holds an unexpected path: ${JSON.stringify(e.path)}`);
      if (seen.has(e.path)) throw new BackupError(`the archive holds ${e.path} twice`);
      seen.set(e.path, { size: e.data.byteLength, sha256: sha256(e.data) });
    }
  } catch (err) {
    if (err instanceof BackupError) throw err;
    if (err instanceof ArchiveError) throw new BackupError(`the backup file is damaged: ${err.message}`);
    if (err instanceof SyntaxError) throw new BackupError('the backup manifest is damaged');
    throw err;
  }
  if (!manifest) throw new BackupError('the backup is incomplete (no manifest at its end)');
  if (manifest.files.length !== seen.size) throw new BackupError('the backup is incomplete (files missing)');
  for (const f of manifest.files) {
    const got = seen.get(f.path);
    if (!got || got.size !== f.size || got.sha256 !== f.sha256) throw new BackupError(`the backup is damaged (${f.path} does not match its checksum)`);
  }
  if (!seen.has('accounts.json')) throw new BackupError('the backup has no accounts.json');
  return { manifest, files: new Map([...seen].map(([p, v]) => [p, v.sha256])) };
}

interface StoredAccountLike {
  id: string;
  name: string;
  tokenHash: string;
  [k: string]: unknown;
}

interface AccountsFileLike {
  version: 1;
  accounts: StoredAccountLike[];
  revoked?: { tokenHash: string; revokedAt: number }[];
}

function parseAccounts(text: string, where: string): AccountsFileLike {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new BackupError(`${where} is not valid JSON`);
  }
  const d = data as Partial<AccountsFileLike>;
  if (d.version !== 1 || !Array.isArray(d.accounts)) throw new BackupError(`${where} is not an accounts file`);
  return d as AccountsFileLike;
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await fsp.readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

/** Writes a file atomically through a temp file in `tmpDir` (same file system). */
async function placeFile(target: string, data: Uint8Array, tmpDir: string): Promise<void> {
  await fsp.mkdir(tmpDir, { recursive: true });
  await fsp.mkdir(path.dirname(target), { recursive: true });
  const tmp = path.join(tmpDir, `restore-${process.pid}-${randomBytes(8).toString('hex')}`);
  try {
    await fsp.writeFile(tmp, data, { mode: 0o600 });
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

export async function restoreBackup(file: string, dataDir: string, opts: { force?: boolean } = {}): Promise<RestoreSummary> {
  await verifyBackup(file); // nothing is written unless the whole archive is sound
  if (!opts.force && !(await isEmptyDir(dataDir))) {
    throw new BackupError(`${dataDir} is not empty; restore into an empty DATA_DIR, or pass --force to merge the backup into it`);
  }
  await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const summary: RestoreSummary = { accountsAdded: [], accountsKept: [], accountsRenamed: [], filesWritten: 0, filesSkipped: 0, filesAddedBeside: 0 };
  let backupAccounts: AccountsFileLike | null = null;
  /** accounts whose chunk log exists in the target: the backup's log goes beside it (log.restored), never mixed in */
  const liveLogs = new Map<string, boolean>();

  for await (const e of readTarGz(file)) {
    if (e.path === MANIFEST_PATH) continue;
    if (e.path === 'accounts.json') {
      backupAccounts = parseAccounts(Buffer.from(e.data).toString('utf8'), 'the backup\'s accounts.json');
      continue;
    }
    if (!isRestorablePath(e.path)) throw new BackupError(`unexpected path ${e.path}`); // verified above; belt and braces
    const [, id = ''] = e.path.split('/');
    let target = path.join(dataDir, ...e.path.split('/'));
    if (/^accounts\/[0-9a-f]{24}\/log\//.test(e.path)) {
      if (!liveLogs.has(id)) liveLogs.set(id, (await listFiles(path.join(dataDir, 'accounts', id, 'log'))).length > 0);
      if (liveLogs.get(id)) {
        // Two logs cannot be merged segment by segment: the operator gets both, side by side.
        await placeFile(path.join(dataDir, 'accounts', id, 'log.restored', path.basename(e.path)), e.data, path.join(dataDir, 'accounts', id, '.tmp'));
        summary.filesAddedBeside++;
        continue;
      }
    }
    const tmpDir = path.join(dataDir, 'accounts', id, '.tmp');
    const existing = await readIfThere(target);
    if (existing === null) {
      await placeFile(target, e.data, tmpDir);
      summary.filesWritten++;
    } else if (sha256(existing) === sha256(e.data) || !/\/(snapshot|incremental)\//.test(e.path)) {
      summary.filesSkipped++; // same chunk, or a sync state / storage id of the live relay: keep what is there
    } else {
      // Different content under the same chunk name: keep both; loading a document reads every chunk.
      await placeFile(`${target}.restored-${sha256(e.data).slice(0, 12)}`, e.data, tmpDir);
      summary.filesAddedBeside++;
    }
  }

  // Accounts last: every account restored has its documents on disk already.
  const incoming = backupAccounts;
  if (!incoming) throw new BackupError('the backup has no accounts.json');
  const accountsFile = accountsFilePath(dataDir);
  await withFileLock(`${accountsFile}.lock`, async () => {
    const currentText = await readIfThere(accountsFile);
    const current: AccountsFileLike = currentText ? parseAccounts(currentText.toString('utf8'), accountsFile) : { version: 1, accounts: [], revoked: [] };
    const merged = [...current.accounts];
    for (const acc of incoming.accounts) {
      if (merged.some((a) => a.id === acc.id)) {
        summary.accountsKept.push(acc.name);
        continue;
      }
      let name = acc.name;
      for (let n = 1; merged.some((a) => a.name === name); n++) name = `${acc.name}-restored${n > 1 ? `-${n}` : ''}`.slice(0, 64);
      if (name !== acc.name) summary.accountsRenamed.push({ from: acc.name, to: name });
      merged.push({ ...acc, name });
      summary.accountsAdded.push(name);
    }
    const revoked = [...(current.revoked ?? [])];
    for (const r of incoming.revoked ?? []) if (!revoked.some((x) => x.tokenHash === r.tokenHash)) revoked.push(r);
    const body: AccountsFileLike = { version: 1, accounts: merged, revoked };
    await writeFileAtomic(accountsFile, `${JSON.stringify(body, null, 2)}\n`);
  });
  return summary;
}
