/**
 * Versioned schema migrations, run at start by every relay and by `npm run account`.
 * Each version runs once, in its own transaction, under a transaction-level advisory lock, so
 * relays starting together apply it once and the others wait and then see it applied.
 * Versions are only ever appended: a released version is never edited.
 */
import type pg from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Arbitrary, fixed: the advisory lock key that serialises migrations across processes. */
const MIGRATION_LOCK = 0x61_74_65_6c; // "atel"

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'chunk log',
    sql: `
      -- One row per account log: the seq counter (locked FOR UPDATE by every commit, which keeps
      -- seqs gap-free and ordered across relays) and the bytes its live chunks take.
      CREATE TABLE chunk_logs (
        account text PRIMARY KEY,
        head bigint NOT NULL DEFAULT 0,
        bytes bigint NOT NULL DEFAULT 0
      );
      -- One row per stored chunk. dropped_at: covered by a snapshot (ms); gone: bytes reclaimed.
      CREATE TABLE chunks (
        account text NOT NULL,
        doc text NOT NULL,
        chunk text NOT NULL,
        seq bigint NOT NULL,
        kind text NOT NULL,
        size bigint NOT NULL,
        upload uuid NOT NULL,
        committed_at bigint NOT NULL,
        covers text[],
        dropped_at bigint,
        gone boolean NOT NULL DEFAULT false,
        PRIMARY KEY (account, doc, chunk)
      );
      CREATE UNIQUE INDEX chunks_account_seq ON chunks (account, seq);
      CREATE INDEX chunks_upload ON chunks (upload);
      -- A chunk's bytes, part by part as they arrive (an upload never committed leaves parts
      -- that reclaim() deletes after a day).
      CREATE TABLE chunk_parts (
        upload uuid NOT NULL,
        n integer NOT NULL,
        account text NOT NULL,
        at bigint NOT NULL,
        bytes bytea NOT NULL,
        written_at bigint NOT NULL,
        PRIMARY KEY (upload, n)
      );
      CREATE INDEX chunk_parts_account ON chunk_parts (account, written_at);
    `,
  },
  {
    version: 2,
    name: 'accounts',
    sql: `
      -- As accounts.json: only sha256(token) is kept; n orders accounts by creation.
      CREATE TABLE accounts (
        id text PRIMARY KEY,
        n bigserial NOT NULL,
        name text NOT NULL UNIQUE,
        token_hash text NOT NULL UNIQUE,
        workspace_url text,
        key_id text,
        created_at bigint NOT NULL,
        legacy_done_at bigint
      );
      -- Tokens rotated or removed: refused, but not counted as guesses (kept 180 days).
      CREATE TABLE revoked_tokens (
        token_hash text PRIMARY KEY,
        revoked_at bigint NOT NULL
      );
    `,
  },
];

export async function migrate(client: pg.ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const applied: number[] = [];
  // Under the migration lock: two relays creating the table at once would otherwise collide on
  // its row type ("type schema_migrations already exists") despite IF NOT EXISTS.
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
  for (const m of migrations) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
      if (done.rowCount === 0) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        applied.push(m.version);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }
  const newest = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  const known = migrations.at(-1)?.version ?? 0;
  const v = newest.rows[0]?.v ?? 0;
  if (v > known) throw new Error(`the database schema is version ${v}, newer than this relay knows (${known}): run the newer relay`);
  return applied;
}

/** Runs the migrations on `pool` once: later calls share the first run; a failed run is tried again by the next call. */
export function migrateOnce(pool: pg.Pool): () => Promise<unknown> {
  let run: Promise<unknown> | null = null;
  return () =>
    (run ??= (async () => {
      const c = await pool.connect();
      try {
        return await migrate(c);
      } finally {
        c.release();
      }
    })().catch((err: unknown) => {
      run = null;
      throw err;
    }));
}
