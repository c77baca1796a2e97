// Over 400 lines on purpose: the account store with its file format, validation, lock and atomic write (the last two also used by backup.ts), which change together.
/**
 * Accounts: who may sync, their end-to-end key id and workspace document (both claimed by the
 * first device: the relay never makes a document), and whether a legacy account has moved over.
 *
 * Stored in DATA_DIR/accounts.json. Only sha256(token) is kept, so a leaked data folder does
 * not leak working tokens. The relay and the account CLI are separate processes sharing the
 * file, so every read checks whether the file changed on disk (one stat per call) and every
 * write happens under a lock file and lands atomically (temp file + rename). Rotated and
 * removed tokens are remembered (hashed, for 180 days) so a device still using one is told
 * "revoked" rather than counted as guessing; watch() lets the relay drop their sockets.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fsp, watch as fsWatch, type FSWatcher } from 'node:fs';
import path from 'node:path';

export interface Account {
  id: string;
  name: string;
  /** the account's workspace document (an Automerge URL); null until a first device claims it */
  workspaceUrl: string | null;
  /** the key id of the account's end-to-end key (see shared/sync/chunk-crypto.ts); null until a first device claims it */
  keyId: string | null;
  createdAt: number;
  /**
   * When a device said it had re-uploaded everything of a legacy account (files of the previous,
   * readable relay) encrypted: POST /api/legacy/done. Null until then (and for new accounts).
   */
  legacyDoneAt: number | null;
}

export interface AccountStore {
  create(name: string): Promise<{ account: Account; token: string }>;
  list(): Promise<Account[]>;
  /** Removes the account; its token stops working (and is remembered as revoked). */
  remove(name: string): Promise<boolean>;
  /** Replaces the account's token; the old one stops working (and is remembered as revoked). Null: no such account. */
  rotate(name: string): Promise<{ account: Account; token: string } | null>;
  byToken(token: string): Promise<Account | null>;
  /** The account whose current token hashes to `tokenHash` (see hashToken), for re-checking live connections. */
  byTokenHash(tokenHash: string): Promise<Account | null>;
  /** Whether `token` was valid once and has since been rotated or removed (so it is not a guess). */
  wasRevoked(token: string): Promise<boolean>;
  /**
   * Calls `listener` soon after the accounts change, including changes made by another process
   * (the account CLI). `onReady` is called once the current state is read: changes before
   * it are the baseline, not news. Returns an unsubscribe function.
   */
  watch(listener: () => void, onReady?: () => void): () => void;
  /**
   * The first device's claim of the account's key id and workspace. The first claim wins for
   * good; every caller gets the values that hold after it (compare to learn whether it won).
   * An account whose workspace the relay already knows keeps it.
   */
  claim(id: string, keyId: string, workspaceUrl: string): Promise<{ keyId: string; workspaceUrl: string } | null>;
  /**
   * Records that the account's legacy documents have moved over (idempotent: the first time
   * stays). Returns the account after it, or null if there is no such account.
   */
  markLegacyDone(id: string): Promise<Account | null>;
}

export type AccountStoreErrorCode = 'invalid-name' | 'duplicate-name' | 'corrupt-file' | 'locked' | 'no-such-account';

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
 * The link a device pairs with. Everything is in the fragment, which browsers never send to a
 * server. Made by the relay and the CLI without `key` (they never have it: the first device
 * makes the key, and a paired device shares it in its own link) and without `workspace` while
 * the account has none.
 */
export function pairingLink(appOrigin: string, relayWsUrl: string, token: string, workspaceUrl: string | null, key?: string): string {
  const parts = [`relay=${encodeURIComponent(relayWsUrl)}`, `token=${encodeURIComponent(token)}`];
  if (key) parts.push(`key=${encodeURIComponent(key)}`);
  if (workspaceUrl) parts.push(`workspace=${encodeURIComponent(workspaceUrl)}`);
  return `${appOrigin}/pair#${parts.join('&')}`;
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

const KEY_ID_RE = /^[0-9a-f]{32}$/;

interface StoredAccount extends Account {
  tokenHash: string;
}

/** A token that worked once: refused like any other, but not counted as a guess. */
interface RevokedToken {
  tokenHash: string;
  revokedAt: number;
}

/** Revoked tokens are remembered this long, and at most this many (oldest dropped first). */
const REVOKED_KEEP_MS = 180 * 24 * 3600_000;
const REVOKED_KEEP_COUNT = 1_000;

interface AccountsFile {
  version: 1;
  accounts: StoredAccount[];
  /** Optional: files written before rotation existed have none. */
  revoked?: RevokedToken[];
}

interface AccountsData {
  accounts: StoredAccount[];
  revoked: RevokedToken[];
}

function parseRevoked(list: unknown): RevokedToken[] {
  // Advisory data: malformed entries are dropped rather than stopping the relay.
  if (!Array.isArray(list)) return [];
  return list.filter(
    (r: unknown): r is RevokedToken =>
      typeof r === 'object' &&
      r !== null &&
      typeof (r as RevokedToken).tokenHash === 'string' &&
      HASH_RE.test((r as RevokedToken).tokenHash) &&
      typeof (r as RevokedToken).revokedAt === 'number',
  );
}

function parseAccountsFile(text: string, file: string): AccountsData {
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
  const accounts = list.map((item: unknown, i): StoredAccount => {
    const a = item as Partial<Record<keyof StoredAccount, unknown>> | null;
    if (
      typeof a !== 'object' ||
      a === null ||
      typeof a.id !== 'string' ||
      !ACCOUNT_ID_RE.test(a.id) ||
      typeof a.name !== 'string' ||
      (a.workspaceUrl !== null && typeof a.workspaceUrl !== 'string') ||
      typeof a.createdAt !== 'number' ||
      (a.legacyDoneAt !== undefined && a.legacyDoneAt !== null && typeof a.legacyDoneAt !== 'number') ||
      typeof a.tokenHash !== 'string' ||
      !HASH_RE.test(a.tokenHash) ||
      (a.keyId !== undefined && a.keyId !== null && (typeof a.keyId !== 'string' || !KEY_ID_RE.test(a.keyId)))
    ) {
      throw corrupt(`entry ${i} is malformed`);
    }
    return {
      id: a.id,
      name: a.name,
      // '' was never written, but would read as "no workspace" anyway
      workspaceUrl: typeof a.workspaceUrl === 'string' && a.workspaceUrl ? a.workspaceUrl : null,
      keyId: typeof a.keyId === 'string' ? a.keyId : null,
      createdAt: a.createdAt,
      legacyDoneAt: typeof a.legacyDoneAt === 'number' ? a.legacyDoneAt : null,
      tokenHash: a.tokenHash,
    };
  });
  return { accounts, revoked: parseRevoked((data as { revoked?: unknown }).revoked) };
}

function withRevoked(revoked: RevokedToken[], tokenHash: string, now: number): RevokedToken[] {
  return [...revoked.filter((r) => now - r.revokedAt < REVOKED_KEEP_MS && r.tokenHash !== tokenHash), { tokenHash, revokedAt: now }].slice(
    -REVOKED_KEEP_COUNT,
  );
}

function publicAccount(a: StoredAccount): Account {
  return { id: a.id, name: a.name, workspaceUrl: a.workspaceUrl, keyId: a.keyId, createdAt: a.createdAt, legacyDoneAt: a.legacyDoneAt };
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

/** Cross-process mutual exclusion for read-modify-write of accounts.json (relay + CLI, or two CLIs, or a restore). */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
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
  /** How often watch() checks the file, besides fs.watch events (default 1000 ms). */
  pollMs?: number;
}

export class FileAccountStore implements AccountStore {
  readonly file: string;
  readonly #dataDir: string;
  readonly #pollMs: number;
  #cache: { stamp: string; data: AccountsData } | null = null;
  /** Serialises this process's own mutations; the lock file handles other processes. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(opts: FileAccountStoreOptions) {
    this.#dataDir = opts.dataDir;
    this.file = accountsFilePath(opts.dataDir);
    this.#pollMs = opts.pollMs ?? 1_000;
  }

  /** Changes on every write by any process: a rename gives a new inode. Null when there is no file. */
  async #stamp(): Promise<string | null> {
    try {
      const st = await fsp.stat(this.file);
      return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async #readData(): Promise<AccountsData> {
    const stamp = await this.#stamp();
    if (stamp === null) {
      this.#cache = null;
      return { accounts: [], revoked: [] };
    }
    if (this.#cache?.stamp === stamp) return this.#cache.data;
    let text: string;
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { accounts: [], revoked: [] };
      throw err;
    }
    const data = parseAccountsFile(text, this.file);
    this.#cache = { stamp, data };
    return data;
  }

  async #read(): Promise<StoredAccount[]> {
    return (await this.#readData()).accounts;
  }

  async #write(data: AccountsData): Promise<void> {
    const body: AccountsFile = { version: 1, accounts: data.accounts, revoked: data.revoked };
    await writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`);
  }

  #mutate<T>(fn: (data: AccountsData) => Promise<{ next: AccountsData | null; result: T }>): Promise<T> {
    const run = async () => {
      await fsp.mkdir(this.#dataDir, { recursive: true, mode: 0o700 });
      return withFileLock(`${this.file}.lock`, async () => {
        this.#cache = null; // never decide a mutation on a cached view
        const { next, result } = await fn(await this.#readData());
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
    return this.#mutate(async ({ accounts, revoked }) => {
      if (accounts.some((a) => a.name === name)) {
        throw new AccountStoreError('duplicate-name', `An account named "${name}" already exists`);
      }
      const id = randomBytes(12).toString('hex');
      const token = generateToken();
      const stored: StoredAccount = { id, name, workspaceUrl: null, keyId: null, createdAt: Date.now(), legacyDoneAt: null, tokenHash: hashToken(token) };
      return { next: { accounts: [...accounts, stored], revoked }, result: { account: publicAccount(stored), token } };
    });
  }

  async list(): Promise<Account[]> {
    return (await this.#read()).map(publicAccount);
  }

  remove(rawName: string): Promise<boolean> {
    const name = rawName.trim();
    return this.#mutate(async ({ accounts, revoked }) => {
      const gone = accounts.find((a) => a.name === name);
      if (!gone) return { next: null, result: false };
      return {
        next: { accounts: accounts.filter((a) => a !== gone), revoked: withRevoked(revoked, gone.tokenHash, Date.now()) },
        result: true,
      };
    });
  }

  rotate(rawName: string): Promise<{ account: Account; token: string } | null> {
    const name = rawName.trim();
    return this.#mutate(async ({ accounts, revoked }) => {
      const old = accounts.find((a) => a.name === name);
      if (!old) return { next: null, result: null };
      const token = generateToken();
      const updated: StoredAccount = { ...old, tokenHash: hashToken(token) };
      return {
        next: { accounts: accounts.map((a) => (a === old ? updated : a)), revoked: withRevoked(revoked, old.tokenHash, Date.now()) },
        result: { account: publicAccount(updated), token },
      };
    });
  }

  claim(id: string, keyId: string, workspaceUrl: string): Promise<{ keyId: string; workspaceUrl: string } | null> {
    if (!KEY_ID_RE.test(keyId)) return Promise.reject(new RangeError('not a key id'));
    return this.#mutate(async ({ accounts, revoked }) => {
      const found = accounts.find((a) => a.id === id);
      if (!found) return { next: null, result: null };
      if (found.keyId) return { next: null, result: { keyId: found.keyId, workspaceUrl: found.workspaceUrl ?? workspaceUrl } };
      const updated: StoredAccount = { ...found, keyId, workspaceUrl: found.workspaceUrl ?? workspaceUrl };
      return {
        next: { accounts: accounts.map((a) => (a === found ? updated : a)), revoked },
        result: { keyId, workspaceUrl: updated.workspaceUrl ?? workspaceUrl },
      };
    });
  }

  markLegacyDone(id: string): Promise<Account | null> {
    return this.#mutate(async ({ accounts, revoked }) => {
      const found = accounts.find((a) => a.id === id);
      if (!found) return { next: null, result: null };
      if (found.legacyDoneAt !== null) return { next: null, result: publicAccount(found) };
      const updated: StoredAccount = { ...found, legacyDoneAt: Date.now() };
      return { next: { accounts: accounts.map((a) => (a === found ? updated : a)), revoked }, result: publicAccount(updated) };
    });
  }

  async byTokenHash(tokenHash: string): Promise<Account | null> {
    const found = (await this.#read()).find((a) => a.tokenHash === tokenHash);
    return found ? publicAccount(found) : null;
  }

  async wasRevoked(token: string): Promise<boolean> {
    if (typeof token !== 'string' || !TOKEN_RE.test(token)) return false;
    const hash = hashToken(token);
    return (await this.#readData()).revoked.some((r) => r.tokenHash === hash);
  }

  watch(listener: () => void, onReady?: () => void): () => void {
    let last: string | null | undefined;
    let stopped = false;
    let checking = false;
    const check = async () => {
      if (stopped || checking) return;
      checking = true;
      try {
        const stamp = await this.#stamp();
        if (last !== undefined && stamp !== last && !stopped) listener();
        if (last === undefined) onReady?.();
        last = stamp;
      } catch {
        /* an unreadable file is reported by the next read */
      } finally {
        checking = false;
      }
    };
    void check();
    // fs.watch for promptness (the file is replaced by a rename, so watch the folder); the
    // poll for file systems where fs.watch reports nothing (network mounts, some containers).
    let watcher: FSWatcher | null = null;
    try {
      watcher = fsWatch(this.#dataDir, { persistent: false }, (_event, filename) => {
        if (filename === null || filename === path.basename(this.file)) void check();
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = null;
      });
    } catch {
      watcher = null;
    }
    const timer = setInterval(() => void check(), this.#pollMs);
    timer.unref();
    return () => {
      stopped = true;
      clearInterval(timer);
      watcher?.close();
    };
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
