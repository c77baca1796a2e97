/**
 * The relay refuses to start on a DATA_DIR it cannot write: a read-only mount, wrong owner or
 * permissions, a full disk. Starting anyway would accept devices and then refuse every upload
 * (or, worse, look healthy to a monitor), so the operator learns it at start, in one sentence.
 *
 * The check writes, fsyncs and removes a small file in DATA_DIR and in DATA_DIR/accounts (where
 * the accounts' logs live), and checks that accounts.json, when present, may be replaced.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import path from 'node:path';
import { accountsFilePath } from './accounts.ts';

export class DataDirError extends Error {
  override name = 'DataDirError';
}

function why(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EROFS':
      return 'it is on a read-only file system';
    case 'EACCES':
    case 'EPERM':
      return `permission denied for the relay's user (uid ${process.getuid?.() ?? '?'})`;
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a file is in the way of the folder';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

async function probe(dir: string): Promise<void> {
  const file = path.join(dir, `.write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  const fh = await fsp.open(file, 'wx', 0o600);
  try {
    await fh.writeFile('ok\n');
    await fh.sync();
  } finally {
    await fh.close();
    await fsp.rm(file, { force: true });
  }
}

/** Creates DATA_DIR if needed and proves it writable; throws DataDirError with a clear message otherwise. */
export async function checkDataDir(dataDir: string): Promise<void> {
  const fail = (what: string, err: unknown): never => {
    throw new DataDirError(
      `DATA_DIR ${dataDir} cannot be written (${what}: ${why(err)}). The relay stores accounts and every upload there; ` +
        'make it writable for the user running the relay, or set DATA_DIR to a folder that is.',
    );
  };
  await fsp.mkdir(dataDir, { recursive: true, mode: 0o700 }).catch((err: unknown) => fail('creating it', err));
  await probe(dataDir).catch((err: unknown) => fail('writing a file in it', err));
  const accountsDir = path.join(dataDir, 'accounts');
  const hasAccountsDir = await fsp.stat(accountsDir).then(
    (st) => st.isDirectory(),
    () => false,
  );
  if (hasAccountsDir) await probe(accountsDir).catch((err: unknown) => fail('writing in its accounts folder', err));
  const file = accountsFilePath(dataDir);
  const exists = await fsp.stat(file).then(
    () => true,
    () => false,
  );
  // Replaced by a rename (the folder's write permission, probed above), but a read-only file
  // there is an operator's sign that it must not change.
  if (exists) await fsp.access(file, constants.R_OK | constants.W_OK).catch((err: unknown) => fail('accounts.json', err));
}
