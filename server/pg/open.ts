/**
 * The relay's PostgreSQL side when DATABASE_URL is set: one pool shared by the account store,
 * the chunk store and the presence bridge (the chunk store adds one long-lived LISTEN
 * connection, which also hears the presence channel).
 */
import { PgChunkStore } from '../chunk-store/pg-store.ts';
import { PgAccountStore } from './account-store.ts';
import { makePool } from './db.ts';
import { PgPresenceBridge, PRESENCE_CHANNEL } from './presence-bridge.ts';

export interface Database {
  accounts: PgAccountStore;
  chunks: PgChunkStore;
  presence: PgPresenceBridge;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  graceMs?: number;
  /** how often presence counts are re-announced (PRESENCE_HEARTBEAT_MS, default 20 s) */
  presenceHeartbeatMs?: number;
}

export function openDatabase(url: string, opts: DatabaseOptions, log: (line: string) => void): Database {
  const pool = makePool({ url, log });
  const accounts = new PgAccountStore({ pool, log });
  const presence = new PgPresenceBridge({ pool, heartbeatMs: opts.presenceHeartbeatMs, log });
  const channels = [{ name: PRESENCE_CHANNEL, onNotify: (p: string) => presence.onNotify(p), onListening: () => presence.onListening() }];
  const chunks = new PgChunkStore({ pool, graceMs: opts.graceMs, log, channels });
  let closing: Promise<void> | null = null;
  return {
    accounts,
    chunks,
    presence,
    close: () =>
      (closing ??= (async () => {
        await presence.close();
        await chunks.close();
        await pool.end();
      })()),
  };
}
