/**
 * Accounts: who may sync, and which workspace document is theirs.
 *
 * Stored in DATA_DIR/accounts.json. Only sha256(token) is kept, so a leaked data folder does
 * not leak working tokens. The relay and the account CLI are separate processes sharing the
 * file, so every read checks whether the file changed on disk (one stat per call) and every
 * write happens under a lock file and lands atomically (temp file + rename).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export interface Account {
  id: string;
  name: string;
  workspaceUrl: string;
  createdAt: number;
}

export interface AccountStore {
  create(name: string): Promise<{ account: Account; token: string }>;
  list(): Promise<Account[]>;
  remove(name: string): Promise<boolean>;
  byToken(token: string): Promise<Account | null>;
}

export type AccountStoreErrorCode = 'invalid-name' | 'duplicate-name' | 'corrupt-file' | 'locked';

export class AccountStoreError extends Error {
  override name = 'AccountStoreError';
  constructor(
    readonly code: AccountStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Creates the account's workspace document in the account's own storage and returns its
 * automerge URL. Injected so the relay can use its live repo and the CLI a short-lived one.
 */
export type CreateWorkspace = (accountId: string, name: string) => Promise<string>;

export function pairingLink(appOrigin: string, relayWsUrl: string, token: string, workspaceUrl: string): string {
  return `${appOrigin}/pair#relay=${encodeURIComponent(relayWsUrl)}&token=${encodeURIComponent(token)}&workspace=${encodeURIComponent(workspaceUrl)}`;
}

/** 32 random bytes, base64url: 43 characters, URL-safe without escaping. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const HASH_RE = /^[0-9a-f]{64}$/;
/** Account ids become directory names, so they are kept to plain hex. */
export const ACCOUNT_ID_RE = /^[0-9a-f]{24}$/;
/** Letters, digits, space, `. _ @ -`; starts with a letter or digit; at most 64 characters. */
const NAME_RE = /^[\p{L}\p{N}][\p{L}\p{N} ._@-]{0,63}$/u;

export function validateAccountName(raw: string): string {
  const name = raw.trim();
  if (!NAME_RE.test(name)) {
    throw new AccountStoreError(
      'invalid-name',
      `Invalid account name "${raw}": use 1–64 letters, digits, spaces or . _ @ - (starting with a letter or digit)`,
    );
  }
  return name;
}

export function accountsFilePath(dataDir: string): string {
  return path.join(dataDir, 'accounts.json');
}

export function accountDocumentsDir(dataDir: string, accountId: string): string {
  if (!ACCOUNT_ID_RE.test(accountId)) throw new Error(`Invalid account id "${accountId}"`);
  return path.join(dataDir, 'accounts', accountId);
}

interface StoredAccount extends Account {
  tokenHash: string;
}

interface AccountsFile {
  version: 1;
  accounts: StoredAccount[];
}

function parseAccountsFile(text: string, file: string): StoredAccount[] {
  const corrupt = (why: string) =>
    new AccountStoreError('corrupt-file', `${file} is not a valid accounts file (${why}); fix or move it away`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw corrupt('not JSON');
  }
  if (typeof data !== 'object' || data === null || (data as { version?: unknown }).version !== 1) {
    throw corrupt('expected {"version":1,...}');
  }
  const list = (data as { accounts?: unknown }).accounts;
  if (!Array.isArray(list)) throw corrupt('"accounts" is not a list');
  return list.map((item: unknown, i): StoredAccount => {
    const a = item as Partial<Record<keyof StoredAccount, unknown>> | null;
    if (
      typeof a !== 'object' ||
      a === null ||
      typeof a.id !== 'string' ||
      !ACCOUNT_ID_RE.test(a.id) ||
      typeof a.name !== 'string' ||
      typeof a.workspaceUrl !== 'string' ||
      typeof a.createdAt !== 'number' ||
      typeof a.tokenHash !== 'string' ||
      !HASH_RE.test(a.tokenHash)
    ) {
      throw corrupt(`entry ${i} is malformed`);
    }
    return { id: a.id, name: a.name, workspaceUrl: a.workspaceUrl, createdAt: a.createdAt, tokenHash: a.tokenHash };
  });
}

function publicAccount(a: StoredAccount): Account {
  return { id: a.id, name: a.name, workspaceUrl: a.workspaceUrl, createdAt: a.createdAt };
}

/** Write to a temp file in the same directory, fsync, then rename over the target: readers see the old or the new file, never half of one. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await fsp.open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  // Make the rename itself durable; not every platform lets a directory be fsynced.
  try {
    const dir = await fsp.open(path.dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    /* best effort */
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A lock older than this is assumed to belong to a crashed process (writes take milliseconds). */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 10_000;

/** Cross-process mutual exclusion for read-modify-write of accounts.json (relay + CLI, or two CLIs). */
async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fh = await fsp.open(lockPath, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const st = await fsp.stat(lockPath).catch(() => null);
      if (st && Date.now() - st.mtimeMs > STALE_LOCK_MS) {
        await fsp.rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new AccountStoreError(
          'locked',
          `${lockPath} is held by another process; if no account command is running, delete it`,
        );
      }
      await sleep(25 + Math.random() * 25);
    }
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lockPath, { force: true });
  }
}

export interface FileAccountStoreOptions {
  dataDir: string;
  createWorkspace: CreateWorkspace;
}

export class FileAccountStore implements AccountStore {
  readonly file: string;
  readonly #dataDir: string;
  readonly #createWorkspace: CreateWorkspace;
  #cache: { stamp: string; accounts: StoredAccount[] } | null = null;
  /** Serialises this process's own mutations; the lock file handles other processes. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: FileAccountStoreOptions) {
    this.#dataDir = opts.dataDir;
    this.file = accountsFilePath(opts.dataDir);
    this.#createWorkspace = opts.createWorkspace;
  }

  async #read(): Promise<StoredAccount[]> {
    let stamp: string;
    try {
      const st = await fsp.stat(this.file);
      // A rename gives a new inode, so this changes on every write by any process.
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.#cache = null;
        return [];
      }
      throw err;
    }
    if (this.#cache?.stamp === stamp) return this.#cache.accounts;
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const accounts = parseAccountsFile(text, this.file);
    this.#cache = { stamp, accounts };
    return accounts;
  }

  async #write(accounts: StoredAccount[]): Promise<void> {
    const body: AccountsFile = { version: 1, accounts };
    await writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`);
  }

  #mutate<T>(fn: (accounts: StoredAccount[]) => Promise<{ next: StoredAccount[] | null; result: T }>): Promise<T> {
    const run = async () => {
      await fsp.mkdir(this.#dataDir, { recursive: true, mode: 0o700 });
      return withFileLock(`${this.file}.lock`, async () => {
        this.#cache = null; // never decide a mutation on a cached view
        const { next, result } = await fn(await this.#read());
        if (next) await this.#write(next);
        return result;
      });
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  async create(rawName: string): Promise<{ account: Account; token: string }> {
    const name = validateAccountName(rawName);
    return this.#mutate(async (accounts) => {
      if (accounts.some((a) => a.name === name)) {
        throw new AccountStoreError('duplicate-name', `An account named "${name}" already exists`);
      }
      const id = randomBytes(12).toString('hex');
      const token = generateToken();
      const workspaceUrl = await this.#createWorkspace(id, name);
      const stored: StoredAccount = { id, name, workspaceUrl, createdAt: Date.now(), tokenHash: hashToken(token) };
      return { next: [...accounts, stored], result: { account: publicAccount(stored), token } };
    });
  }

  async list(): Promise<Account[]> {
    return (await this.#read()).map(publicAccount);
  }

  remove(rawName: string): Promise<boolean> {
    const name = rawName.trim();
    return this.#mutate(async (accounts) => {
      const next = accounts.filter((a) => a.name !== name);
      return next.length === accounts.length ? { next: null, result: false } : { next, result: true };
    });
  }

  async byToken(token: string): Promise<Account | null> {
    if (typeof token !== 'string' || !TOKEN_RE.test(token)) return null;
    const wanted = Buffer.from(hashToken(token), 'hex');
    let found: StoredAccount | null = null;
    // Compare against every entry in constant time per entry, without stopping early.
    for (const a of await this.#read()) {
      if (timingSafeEqual(wanted, Buffer.from(a.tokenHash, 'hex')) && !found) found = a;
    }
    return found ? publicAccount(found) : null;
  }
}
