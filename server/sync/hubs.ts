/**
 * The relay's open accounts: a hub is opened on the account's first socket and closed when its
 * last socket and its work are gone. While open, its dropped chunks past the grace period are
 * reclaimed on a timer (an account whose devices never all leave would otherwise reclaim only at
 * the next open).
 */
import type { ChunkStore } from '../chunk-store/chunk-store.ts';
import { AccountHub, type EphBridge, type HubStats, type PresenceBridge } from './account-hub.ts';

/**
 * Calls `fn` every `ms` (a timer that does not keep the process alive); returns its cancel.
 * `fn` resolves when its run is over (what a test driving the timer waits for).
 */
export type Every = (ms: number, fn: () => Promise<void>) => () => void;

export const unrefEvery: Every = (ms, fn) => {
  const t = setInterval(() => void fn(), ms);
  t.unref();
  return () => clearInterval(t);
};

export const DEFAULT_RECLAIM_EVERY_MS = 3600_000;

export interface HubsOptions {
  /** how often an open account's expired dropped chunks are reclaimed (default hourly) */
  reclaimEveryMs?: number;
  /** the timer behind it (tests drive it by hand) */
  every?: Every;
  /**
   * Called when the last open account has closed: by default a full garbage collection when the
   * process runs with --expose-gc (server/relay-build.mjs), so an idle relay gives back the
   * memory its accounts' indexes and frames used instead of keeping it until the next allocation.
   */
  onAllClosed?: () => void;
  /** ephemeral frames to and from other relay processes (relays sharing a database) */
  ephBridge?: EphBridge;
  /** socket counts of other relay processes (relays sharing a database) */
  presenceBridge?: PresenceBridge;
}

/**
 * Two full collections in a row (when the process runs with --expose-gc): the first frees the
 * dead objects, but the pages it emptied are released only by a later collection; with nothing
 * allocating, V8 would keep them (measured: heap 33 MB committed after one, 8 MB after two).
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  gc();
}

/** Opens each account's hub once, and closes it when idle. */
export class Hubs {
  readonly #store: ChunkStore;
  readonly #cap: number;
  readonly #headroom: number;
  readonly #open = new Map<string, Promise<AccountHub>>();
  /** hubs being closed: a new socket of the account waits for the close before reopening */
  readonly #closing = new Map<string, Promise<void>>();
  /** cancels of the reclaim timers of open hubs */
  readonly #timers = new Map<AccountHub, () => void>();
  readonly #log: (line: string) => void;
  readonly #reclaimEveryMs: number;
  readonly #every: Every;
  readonly #onAllClosed: () => void;
  readonly #ephBridge: EphBridge | undefined;
  readonly #presenceBridge: PresenceBridge | undefined;

  constructor(store: ChunkStore, cap: number, headroom: number, log: (line: string) => void, opts: HubsOptions = {}) {
    this.#store = store;
    this.#cap = cap;
    this.#headroom = headroom;
    this.#log = log;
    this.#reclaimEveryMs = opts.reclaimEveryMs ?? DEFAULT_RECLAIM_EVERY_MS;
    this.#every = opts.every ?? unrefEvery;
    this.#onAllClosed = opts.onAllClosed ?? collectGarbage;
    this.#ephBridge = opts.ephBridge;
    this.#presenceBridge = opts.presenceBridge;
  }

  get(accountId: string): Promise<AccountHub> {
    let p = this.#open.get(accountId);
    if (!p) {
      const closing = this.#closing.get(accountId) ?? Promise.resolve();
      p = closing
        .then(() => this.#store.open(accountId))
        .then((log) => {
          const hub = new AccountHub(accountId, log, this.#cap, this.#headroom, this.#ephBridge, this.#presenceBridge);
          this.#timers.set(hub, this.#every(this.#reclaimEveryMs, () => this.#reclaim(hub)));
          return hub;
        });
      this.#open.set(accountId, p);
      p.catch(() => this.#open.delete(accountId));
    }
    return p;
  }

  /** Reclaims an open hub's expired dropped chunks (the log holds reads meanwhile). */
  async #reclaim(hub: AccountHub): Promise<void> {
    if (!this.#timers.has(hub)) return;
    hub.hold();
    try {
      const freed = await hub.log.reclaim();
      if (freed > 0) this.#log(`sync: account ${hub.accountId}: reclaimed ${freed} bytes of chunks dropped past the grace period`);
    } catch (err) {
      this.#log(`sync: account ${hub.accountId}: reclaiming dropped chunks failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      hub.unhold();
      this.release(hub);
    }
  }

  /** Reclaims now in every open account (what the timer does); resolves when done. */
  async reclaimAll(): Promise<void> {
    const hubs = await Promise.all([...this.#open.values()].map((p) => p.catch(() => null)));
    await Promise.all(hubs.map((h) => (h ? this.#reclaim(h) : undefined)));
  }

  /** Closes the hub if nobody uses it any more. */
  release(hub: AccountHub): void {
    if (!hub.idle()) return;
    if (this.#open.get(hub.accountId) === undefined) return;
    this.#open.delete(hub.accountId);
    this.#timers.get(hub)?.();
    this.#timers.delete(hub);
    const closing = hub
      .close()
      .catch((err: unknown) => this.#log(`sync: closing account ${hub.accountId} failed: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        if (this.#closing.get(hub.accountId) === closing) this.#closing.delete(hub.accountId);
        if (this.#open.size === 0 && this.#closing.size === 0) this.#onAllClosed();
      });
    this.#closing.set(hub.accountId, closing);
  }

  async stats(): Promise<HubStats[]> {
    const out: HubStats[] = [];
    for (const p of this.#open.values()) {
      const hub = await p.catch(() => null);
      if (hub) out.push(hub.stats());
    }
    return out;
  }

  async closeAll(): Promise<void> {
    const all = [...this.#open.values()];
    this.#open.clear();
    for (const cancel of this.#timers.values()) cancel();
    this.#timers.clear();
    for (const p of all) {
      const hub = await p.catch(() => null);
      await hub?.close();
    }
    await Promise.all([...this.#closing.values()]);
  }
}
