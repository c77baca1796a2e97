/**
 * Presence across relay processes on one database: each relay announces how many sockets of an
 * account it holds (NOTIFY atelier_presence), on every change and again every heartbeat while
 * non-zero; every relay keeps the other relays' latest counts per account.
 *
 * Invariants:
 * - a remote count is dropped when its relay announces 0 or says goodbye (closes), or when it
 *   is older than STALE_HEARTBEATS heartbeats (a relay killed without a goodbye stops counting);
 * - a relay that (re)starts listening says hello, and every other relay answers by announcing its
 *   non-zero counts at once (a new relay, or one that missed notifications, learns them without
 *   waiting for a heartbeat);
 * - every relay on a database is assumed to run with the same heartbeat (PRESENCE_HEARTBEAT_MS).
 * Best effort like presence itself: a NOTIFY that fails (database down) is logged, and the next
 * heartbeat or hello repairs the picture.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { PresenceBridge } from '../sync/account-hub.ts';

export const PRESENCE_CHANNEL = 'atelier_presence';
export const DEFAULT_PRESENCE_HEARTBEAT_MS = 20_000;
/** a remote count not re-announced within this many heartbeats is dropped */
const STALE_HEARTBEATS = 3;

type Message = { relay: string; hello: true } | { relay: string; bye: true } | { relay: string; account: string; count: number };

function parse(payload: string): Message | null {
  let m: unknown;
  try {
    m = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof m !== 'object' || m === null) return null;
  const o = m as Record<string, unknown>;
  if (typeof o.relay !== 'string') return null;
  if (o.hello === true) return { relay: o.relay, hello: true };
  if (o.bye === true) return { relay: o.relay, bye: true };
  if (typeof o.account === 'string' && Number.isSafeInteger(o.count) && (o.count as number) >= 0) {
    return { relay: o.relay, account: o.account, count: o.count as number };
  }
  return null;
}

export interface PgPresenceBridgeOptions {
  pool: pg.Pool;
  heartbeatMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export class PgPresenceBridge implements PresenceBridge {
  readonly #pool: pg.Pool;
  readonly #heartbeatMs: number;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  readonly #relayId = randomUUID();
  /** this relay's non-zero counts per account */
  readonly #local = new Map<string, number>();
  /** account → relay id → that relay's latest count (> 0) and when it arrived */
  readonly #remote = new Map<string, Map<string, { count: number; at: number }>>();
  readonly #watchers = new Map<string, Set<() => void>>();
  #timer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(opts: PgPresenceBridgeOptions) {
    this.#pool = opts.pool;
    this.#heartbeatMs = opts.heartbeatMs ?? DEFAULT_PRESENCE_HEARTBEAT_MS;
    this.#now = opts.now ?? Date.now;
    this.#log = opts.log ?? (() => {});
  }

  publish(accountId: string, sockets: number): void {
    if (sockets > 0) this.#local.set(accountId, sockets);
    else this.#local.delete(accountId);
    void this.#notify({ relay: this.#relayId, account: accountId, count: sockets });
  }

  remote(accountId: string): number {
    let n = 0;
    for (const r of this.#remote.get(accountId)?.values() ?? []) n += r.count;
    return n;
  }

  watch(accountId: string, changed: () => void): () => void {
    let set = this.#watchers.get(accountId);
    if (!set) this.#watchers.set(accountId, (set = new Set()));
    set.add(changed);
    return () => {
      set.delete(changed);
      if (set.size === 0 && this.#watchers.get(accountId) === set) this.#watchers.delete(accountId);
    };
  }

  /** The LISTEN connection now listens on PRESENCE_CHANNEL (at start and after every reconnect). */
  onListening(): void {
    if (this.#closed) return;
    this.#timer ??= setInterval(() => this.#heartbeat(), this.#heartbeatMs);
    this.#timer.unref();
    void this.#notify({ relay: this.#relayId, hello: true });
    // Others may have dropped this relay's counts while it could not reach the database.
    this.#announceAll();
  }

  /** A notification on PRESENCE_CHANNEL. */
  onNotify(payload: string): void {
    const m = parse(payload);
    if (!m || m.relay === this.#relayId || this.#closed) return;
    if ('hello' in m) {
      this.#announceAll();
      return;
    }
    if ('bye' in m) {
      for (const [account, relays] of this.#remote) {
        if (!relays.delete(m.relay)) continue;
        if (relays.size === 0) this.#remote.delete(account);
        this.#changed(account);
      }
      return;
    }
    const before = this.remote(m.account);
    let relays = this.#remote.get(m.account);
    if (m.count > 0) {
      if (!relays) this.#remote.set(m.account, (relays = new Map()));
      relays.set(m.relay, { count: m.count, at: this.#now() });
    } else if (relays) {
      relays.delete(m.relay);
      if (relays.size === 0) this.#remote.delete(m.account);
    }
    if (this.remote(m.account) !== before) this.#changed(m.account);
  }

  /**
   * Says goodbye (the other relays stop counting this relay's sockets at once) and stops. Its
   * sockets are being closed with it; their leaves are not announced one by one after this.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#notify({ relay: this.#relayId, bye: true });
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Re-announces this relay's counts and drops the remote counts nobody re-announced. */
  #heartbeat(): void {
    this.#announceAll();
    const oldest = this.#now() - STALE_HEARTBEATS * this.#heartbeatMs;
    for (const [account, relays] of this.#remote) {
      let dropped = false;
      for (const [relay, r] of relays) {
        if (r.at >= oldest) continue;
        relays.delete(relay);
        dropped = true;
      }
      if (relays.size === 0) this.#remote.delete(account);
      if (dropped) this.#changed(account);
    }
  }

  #announceAll(): void {
    for (const [account, count] of this.#local) void this.#notify({ relay: this.#relayId, account, count });
  }

  #changed(accountId: string): void {
    for (const changed of this.#watchers.get(accountId) ?? []) changed();
  }

  #notify(m: Message): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#pool.query('SELECT pg_notify($1, $2)', [PRESENCE_CHANNEL, JSON.stringify(m)]).catch((err: unknown) => {
      this.#log(`sync: presence did not reach the other relays (${err instanceof Error ? err.message : String(err)}); the next heartbeat retries`);
    }).then(() => {});
  }
}
