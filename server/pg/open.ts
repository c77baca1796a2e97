/**
 * The relay's PostgreSQL side when DATABASE_URL is set: one pool shared by the account store
 * and the chunk store (the chunk store adds one long-lived LISTEN connection).
 */
import { PgChunkStore } from '../chunk-store/pg-store.ts';
import { PgAccountStore } from './account-store.ts';
import { makePool } from './db.ts';

export interface Database {
  accounts: PgAccountStore;
  chunks: PgChunkStore;
  close(): Promise<void>;
}

export function openDatabase(url: string, graceMs: number | undefined, log: (line: string) => void): Database {
  const pool = makePool({ url, log });
  const accounts = new PgAccountStore({ pool, log });
  const chunks = new PgChunkStore({ pool, graceMs, log });
  let closing: Promise<void> | null = null;
  return {
    accounts,
    chunks,
    close: () =>
      (closing ??= (async () => {
        await chunks.close();
        await pool.end();
      })()),
  };
}
