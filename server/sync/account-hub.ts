/**
 * One open account on the relay: its chunk log, its sockets, and the bytes of its traffic held
 * in memory (bytes in flight). Past the cap, the account's sockets are paused (ws.pause: the
 * relay stops reading them) until the disk and the readers catch up; pulls wait for room.
 * Opened on the account's first socket, closed when its last socket and its work are gone.
 * While open, its dropped chunks past the grace period are reclaimed on a timer (an account whose
 * devices never all leave would otherwise reclaim only at the next open).
 */
import type { AccountLog, ChunkStore, StoredEntry } from '../chunk-store/chunk-store.ts';

export interface HubMember {
  readonly id: string;
  /** stops reading this socket (back-pressure), or reads again */
  setPaused(paused: boolean): void;
  /** durable entries of the account, in seq order (the member sends them if it has caught up) */
  onEntries(entries: readonly StoredEntry[], origin: HubMember | undefined): void;
  onPresence(peers: number): void;
  /** an ephemeral frame from the account's socket on another relay process (EphBridge) */
  onEph?(frame: Uint8Array): void;
}

/**
 * Carries ephemeral frames between relay processes that serve the same accounts (DATABASE_URL).
 * Best effort, like ephemeral messages themselves: never stored, no order across relays.
 */
export interface EphBridge {
  publish(accountId: string, frame: Uint8Array): void;
  subscribe(accountId: string, deliver: (frame: Uint8Array) => void): () => void;
}

export interface HubStats {
  account: string;
  sockets: number;
  head: number;
  bytesInFlight: number;
  /** the most bytes in flight seen since the hub opened */
  maxBytesInFlight: number;
  paused: boolean;
}

export class AccountHub {
  readonly accountId: string;
  readonly log: AccountLog;
  readonly members = new Set<HubMember>();
  readonly #cap: number;
  /** room kept below the cap for frames already being received when sockets are paused */
  readonly #headroom: number;
  #inFlight = 0;
  #max = 0;
  #paused = false;
  #work = 0;
  #waiters: { n: number; resolve: () => void }[] = [];
  /** who uploaded a chunk being committed: not sent its own chunk back */
  readonly #origins = new Map<string, HubMember>();
  /** bytes of uploads begun and not yet committed (quota) */
  reserved = 0;
  readonly #stopListening: () => void;
  readonly #bridge: EphBridge | undefined;
  readonly #stopBridge: (() => void) | undefined;

  constructor(accountId: string, log: AccountLog, cap: number, headroom: number, bridge?: EphBridge) {
    this.accountId = accountId;
    this.log = log;
    this.#cap = cap;
    this.#headroom = Math.min(headroom, Math.floor(cap / 2));
    this.#stopListening = log.onDurable((entries) => {
      // Grouped by origin so each member gets every entry it did not upload, in order.
      for (const m of this.members) {
        const mine = entries.filter((e) => this.#origins.get(`${e.doc}/${e.chunk}`) !== m);
        if (mine.length > 0) m.onEntries(mine, undefined);
      }
      for (const e of entries) this.#origins.delete(`${e.doc}/${e.chunk}`);
    });
    this.#bridge = bridge;
    this.#stopBridge = bridge?.subscribe(accountId, (frame) => {
      for (const m of this.members) m.onEph?.(frame);
    });
  }

  /** Sends an ephemeral frame to the account's sockets on other relay processes, if any. */
  publishEph(frame: Uint8Array): void {
    this.#bridge?.publish(this.accountId, frame);
  }

  setOrigin(doc: string, chunk: string, member: HubMember): void {
    this.#origins.set(`${doc}/${chunk}`, member);
  }

  clearOrigin(doc: string, chunk: string, member: HubMember): void {
    if (this.#origins.get(`${doc}/${chunk}`) === member) this.#origins.delete(`${doc}/${chunk}`);
  }

  join(m: HubMember): void {
    this.members.add(m);
    if (this.#paused) m.setPaused(true);
    this.#presence();
  }

  leave(m: HubMember): void {
    if (!this.members.delete(m)) return;
    for (const [k, v] of this.#origins) if (v === m) this.#origins.delete(k);
    this.#presence();
  }

  #presence(): void {
    const n = this.members.size;
    for (const m of this.members) m.onPresence(n - 1);
  }

  /** Bytes received from a socket (already in memory): counted, and the account paused past the threshold. */
  received(n: number): void {
    this.#add(n);
    if (!this.#paused && this.#inFlight >= this.#cap - this.#headroom) {
      this.#paused = true;
      for (const m of this.members) m.setPaused(true);
    }
  }

  #fits(n: number): boolean {
    return this.#inFlight === 0 || this.#inFlight + n <= this.#cap - this.#headroom;
  }

  /** Waits until `n` more bytes fit under the cap (reads for pulls), then counts them. */
  async acquire(n: number): Promise<void> {
    if (this.#waiters.length === 0 && this.#fits(n)) {
      this.#add(n);
      return;
    }
    // release() counts the bytes before resolving, so no two waiters overshoot together.
    await new Promise<void>((resolve) => this.#waiters.push({ n, resolve }));
  }

  release(n: number): void {
    this.#inFlight -= n;
    if (this.#paused && this.#inFlight <= this.#cap / 2) {
      this.#paused = false;
      for (const m of this.members) m.setPaused(false);
    }
    for (let w = this.#waiters[0]; w && this.#fits(w.n); w = this.#waiters[0]) {
      this.#waiters.shift();
      this.#add(w.n);
      w.resolve();
    }
  }

  #add(n: number): void {
    this.#inFlight += n;
    if (this.#inFlight > this.#max) this.#max = this.#inFlight;
  }

  /** Work that keeps the hub open (an upload being written, a pull being read). */
  hold(): void {
    this.#work++;
  }

  unhold(): void {
    this.#work--;
  }

  idle(): boolean {
    return this.members.size === 0 && this.#work === 0;
  }

  stats(): HubStats {
    return {
      account: this.accountId,
      sockets: this.members.size,
      head: this.log.head(),
      bytesInFlight: this.#inFlight,
      maxBytesInFlight: this.#max,
      paused: this.#paused,
    };
  }

  async close(): Promise<void> {
    this.#stopListening();
    this.#stopBridge?.();
    await this.log.close();
  }
}

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
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
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

  constructor(store: ChunkStore, cap: number, headroom: number, log: (line: string) => void, opts: HubsOptions = {}) {
    this.#store = store;
    this.#cap = cap;
    this.#headroom = headroom;
    this.#log = log;
    this.#reclaimEveryMs = opts.reclaimEveryMs ?? DEFAULT_RECLAIM_EVERY_MS;
    this.#every = opts.every ?? unrefEvery;
    this.#onAllClosed = opts.onAllClosed ?? collectGarbage;
    this.#ephBridge = opts.ephBridge;
  }

  get(accountId: string): Promise<AccountHub> {
    let p = this.#open.get(accountId);
    if (!p) {
      const closing = this.#closing.get(accountId) ?? Promise.resolve();
      p = closing
        .then(() => this.#store.open(accountId))
        .then((log) => {
          const hub = new AccountHub(accountId, log, this.#cap, this.#headroom, this.#ephBridge);
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
