/**
 * The relay's PostgreSQL connections: one pool per process, and what a database error means.
 * A pool never crashes the process when the database goes away: idle clients that die are
 * logged and replaced on the next query, which fails with a connection error until then.
 */
import { createRequire } from 'node:module';
import type pg from 'pg';

/**
 * `pg` is loaded on the first pool, not at start-up: it costs the process about 16 MB of RSS,
 * which a relay on local files (no DATABASE_URL) should not carry.
 */
const requirePg = (): typeof pg => createRequire(import.meta.url)('pg') as typeof pg;

export interface PgOptions {
  url: string;
  /** pool size (default 10) */
  max?: number;
  log?: (line: string) => void;
}

export function makePool(opts: PgOptions): pg.Pool {
  const pool = new (requirePg().Pool)({
    connectionString: opts.url,
    max: opts.max ?? 10,
    // A database that does not answer must not hold an upload forever: the device retries.
    connectionTimeoutMillis: 5_000,
    // Nor a database that stops answering mid-query (a commit waits at most this for its lock).
    query_timeout: 60_000,
    // Finds a database host that vanished (no RST) under the long-lived LISTEN connection.
    keepAlive: true,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', (err) => opts.log?.(`database: an idle connection failed: ${err.message}`));
  return pool;
}

/** SQLSTATE classes that are about the data or the query, not about reaching the database. */
const NOT_TRANSIENT = /^(22|23|42)/;

/** Whether `err` means the database could not be reached or went away (retry later). */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NOT_TRANSIENT.test(code)) return false;
  return true;
}

/** Runs `fn` in a transaction on one pooled client; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken = false;
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    // A client whose connection broke is destroyed rather than given back.
    c.release(broken ? true : undefined);
  }
}
