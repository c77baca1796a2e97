/**
 * AccountStore on PostgreSQL (DATABASE_URL): the same behaviour as accounts.json
 * (account-store-acceptance.ts checks both), shared by every relay and `npm run account`.
 * Only sha256(token) is stored. Every change sends `NOTIFY atelier_accounts` in its transaction;
 * watch() LISTENs, so every relay re-checks its live sockets when a token is rotated or an
 * account removed, whichever process did it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { AccountStoreError, generateToken, hashToken, validateAccountName, type Account, type AccountStore } from '../accounts.ts';
import { inTransaction, makePool } from './db.ts';
import { migrateOnce } from './migrations.ts';

const CHANNEL = 'atelier_accounts';
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const KEY_ID_RE = /^[0-9a-f]{32}$/;
const REVOKED_KEEP_MS = 180 * 24 * 3600_000;

interface AccountRow {
  id: string;
  name: string;
  token_hash: string;
  workspace_url: string | null;
  key_id: string | null;
  created_at: string;
  legacy_done_at: string | null;
}

const COLUMNS = 'id, name, token_hash, workspace_url, key_id, created_at, legacy_done_at';

function toAccount(r: AccountRow): Account {
  return {
    id: r.id,
    name: r.name,
    workspaceUrl: r.workspace_url,
    keyId: r.key_id,
    createdAt: Number(r.created_at),
    legacyDoneAt: r.legacy_done_at === null ? null : Number(r.legacy_done_at),
  };
}

export interface PgAccountStoreOptions {
  pool?: pg.Pool;
  url?: string;
  log?: (line: string) => void;
}

export class PgAccountStore implements AccountStore {
  readonly pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #log: (line: string) => void;
  readonly #migrate: () => Promise<unknown>;

  constructor(opts: PgAccountStoreOptions) {
    if (!opts.pool && !opts.url) throw new Error('PgAccountStore needs a pool or a url');
    this.#log = opts.log ?? (() => {});
    this.#ownsPool = !opts.pool;
    this.pool = opts.pool ?? makePool({ url: opts.url ?? '', log: opts.log });
    this.#migrate = migrateOnce(this.pool);
  }

  /** Runs the migrations once per store (every method waits for it). */
  ready(): Promise<unknown> {
    return this.#migrate();
  }

  async #tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ready();
    return inTransaction(this.pool, async (c) => {
      const out = await fn(c);
      await c.query('SELECT pg_notify($1, $2)', [CHANNEL, '']);
      return out;
    });
  }

  async #query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    await this.ready();
    return (await this.pool.query<R>(sql, params)).rows;
  }

  async create(rawName: string): Promise<{ account: Account; token: string }> {
    const name = validateAccountName(rawName);
    const token = generateToken();
    try {
      return await this.#tx(async (c) => {
        const { rows } = await c.query<AccountRow>(
          `INSERT INTO accounts (id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
          [randomBytes(12).toString('hex'), name, hashToken(token), Date.now()],
        );
        return { account: toAccount(rows[0] as AccountRow), token };
      });
    } catch (err) {
      if ((err as { code?: string; constraint?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'accounts_name_key') {
        throw new AccountStoreError('duplicate-name', `An account named "${name}" already exists`);
      }
      throw err;
    }
  }

  async list(): Promise<Account[]> {
    return (await this.#query<AccountRow>(`SELECT ${COLUMNS} FROM accounts ORDER BY n`)).map(toAccount);
  }

  async remove(rawName: string): Promise<boolean> {
    return this.#tx(async (c) => {
      const { rows } = await c.query<{ token_hash: string }>('DELETE FROM accounts WHERE name = $1 RETURNING token_hash', [rawName.trim()]);
      const gone = rows[0];
      if (!gone) return false;
      await this.#revoke(c, gone.token_hash);
      return true;
    });
  }

  async rotate(rawName: string): Promise<{ account: Account; token: string } | null> {
    const token = generateToken();
    return this.#tx(async (c) => {
      const old = await c.query<{ token_hash: string }>('SELECT token_hash FROM accounts WHERE name = $1 FOR UPDATE', [rawName.trim()]);
      const was = old.rows[0];
      if (!was) return null;
      const { rows } = await c.query<AccountRow>(`UPDATE accounts SET token_hash = $2 WHERE name = $1 RETURNING ${COLUMNS}`, [rawName.trim(), hashToken(token)]);
      await this.#revoke(c, was.token_hash);
      return { account: toAccount(rows[0] as AccountRow), token };
    });
  }

  async #revoke(c: pg.PoolClient, tokenHash: string): Promise<void> {
    const now = Date.now();
    await c.query('INSERT INTO revoked_tokens (token_hash, revoked_at) VALUES ($1, $2) ON CONFLICT (token_hash) DO UPDATE SET revoked_at = $2', [tokenHash, now]);
    await c.query('DELETE FROM revoked_tokens WHERE revoked_at < $1', [now - REVOKED_KEEP_MS]);
  }

  async byToken(token: string): Promise<Account | null> {
    if (typeof token !== 'string' || !TOKEN_RE.test(token)) return null;
    const hash = hashToken(token);
    const [row] = await this.#query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE token_hash = $1`, [hash]);
    // The index finds the row by the hash; the comparison of what came back stays constant-time.
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(hash, 'hex'))) return null;
    return toAccount(row);
  }

  async byTokenHash(tokenHash: string): Promise<Account | null> {
    const [row] = await this.#query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE token_hash = $1`, [tokenHash]);
    return row ? toAccount(row) : null;
  }

  async wasRevoked(token: string): Promise<boolean> {
    if (typeof token !== 'string' || !TOKEN_RE.test(token)) return false;
    const rows = await this.#query('SELECT 1 FROM revoked_tokens WHERE token_hash = $1 AND revoked_at >= $2', [hashToken(token), Date.now() - REVOKED_KEEP_MS]);
    return rows.length > 0;
  }

  async claim(id: string, keyId: string, workspaceUrl: string): Promise<{ keyId: string; workspaceUrl: string } | null> {
    if (!KEY_ID_RE.test(keyId)) throw new RangeError('not a key id');
    return this.#tx(async (c) => {
      // First claim wins: the update only touches an unclaimed account; everyone reads what holds.
      await c.query('UPDATE accounts SET key_id = $2, workspace_url = coalesce(workspace_url, $3) WHERE id = $1 AND key_id IS NULL', [id, keyId, workspaceUrl]);
      const { rows } = await c.query<{ key_id: string; workspace_url: string | null }>('SELECT key_id, workspace_url FROM accounts WHERE id = $1', [id]);
      const r = rows[0];
      return r ? { keyId: r.key_id, workspaceUrl: r.workspace_url ?? workspaceUrl } : null;
    });
  }

  async markLegacyDone(id: string): Promise<Account | null> {
    return this.#tx(async (c) => {
      await c.query('UPDATE accounts SET legacy_done_at = $2 WHERE id = $1 AND legacy_done_at IS NULL', [id, Date.now()]);
      const { rows } = await c.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE id = $1`, [id]);
      return rows[0] ? toAccount(rows[0]) : null;
    });
  }

  watch(listener: () => void, onReady?: () => void): () => void {
    let stopped = false;
    let client: pg.PoolClient | null = null;
    let timer: NodeJS.Timeout | null = null;
    let delay = 250;
    const connect = async (): Promise<void> => {
      await this.ready();
      const c = await this.pool.connect();
      const lost = () => {
        if (client !== c) return;
        client = null;
        c.release(true);
        if (!stopped) retry();
      };
      c.on('error', lost);
      c.on('end', lost);
      c.on('notification', (n) => {
        if (n.channel === CHANNEL && !stopped) listener();
      });
      await c.query(`LISTEN ${CHANNEL}`);
      if (stopped) return c.release(true);
      client = c;
      delay = 250;
    };
    const retry = () => {
      timer = setTimeout(() => {
        timer = null;
        connect()
          .then(() => {
            // Changes made while nobody listened: tell the watcher once.
            if (!stopped) listener();
          })
          .catch((err: unknown) => {
            this.#log(`database: could not listen for account changes (${err instanceof Error ? err.message : String(err)}); retrying`);
            delay = Math.min(delay * 2, 5_000);
            if (!stopped) retry();
          });
      }, delay);
      timer.unref();
    };
    connect()
      .then(() => onReady?.())
      .catch(() => {
        onReady?.();
        if (!stopped) retry();
      });
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      client?.release(true);
      client = null;
    };
  }

  async close(): Promise<void> {
    if (this.#ownsPool) await this.pool.end();
  }
}
