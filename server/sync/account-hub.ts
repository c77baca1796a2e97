/**
 * One open account on the relay: its chunk log, its sockets, and the bytes of its traffic held
 * in memory (bytes in flight). Past the cap, the account's sockets are paused (ws.pause: the
 * relay stops reading them) until the disk and the readers catch up; pulls wait for room.
 * Opened and closed by Hubs (hubs.ts).
 */
import { encodeFrame, PART_BYTES, type EntryHeader } from '../../shared/sync/protocol.ts';
import type { AccountLog, StoredEntry } from '../chunk-store/chunk-store.ts';

/**
 * An `entries` frame built once from bytes still in memory and sent as is to every member that
 * takes it (no read from the log, no copy per socket). Its bytes count as the account's bytes in
 * flight until the last member that took it has sent or dropped it.
 */
export class SharedFrame {
  #users = 1;
  readonly #release: (n: number) => void;
  constructor(
    readonly frame: Uint8Array,
    release: (n: number) => void,
  ) {
    this.#release = release;
  }

  /** A member keeps the frame to send it; it calls done() once sent or dropped. */
  take(): void {
    this.#users++;
  }

  done(): void {
    if (--this.#users === 0) this.#release(this.frame.length);
  }
}

export interface HubMember {
  readonly id: string;
  /** stops reading this socket (back-pressure), or reads again */
  setPaused(paused: boolean): void;
  /**
   * Durable entries of the account, in seq order (the member sends them if it has caught up).
   * `frame`, when given, is these entries' frame, ready to send: a member that keeps it calls
   * `frame.take()` now and `frame.done()` when it is sent or dropped.
   */
  onEntries(entries: readonly StoredEntry[], frame?: SharedFrame): void;
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

/**
 * Counts the account's sockets on other relay processes that serve the same accounts
 * (DATABASE_URL), so presence covers every relay. Best effort, like presence itself.
 */
export interface PresenceBridge {
  /** this relay now holds `sockets` sockets of the account (0: none left) */
  publish(accountId: string, sockets: number): void;
  /** the account's sockets on the other relays, as last heard */
  remote(accountId: string): number;
  /** calls `changed` whenever remote(accountId) changes; returns its cancel */
  watch(accountId: string, changed: () => void): () => void;
}

/** Most entries in one frame (as a pull sends them). */
const ENTRIES_PER_FRAME = 256;

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
  /**
   * Who uploaded a chunk being committed (not sent its own chunk back), and the chunk's bytes
   * when they arrived in one part: once durable, the chunk is sent to the others from memory.
   */
  readonly #origins = new Map<string, { member: HubMember; bytes: Uint8Array | null }>();
  /** bytes of uploads begun and not yet committed (quota) */
  reserved = 0;
  readonly #stopListening: () => void;
  readonly #bridge: EphBridge | undefined;
  readonly #stopBridge: (() => void) | undefined;
  readonly #presenceBridge: PresenceBridge | undefined;
  readonly #stopPresence: (() => void) | undefined;

  constructor(accountId: string, log: AccountLog, cap: number, headroom: number, bridge?: EphBridge, presence?: PresenceBridge) {
    this.accountId = accountId;
    this.log = log;
    this.#cap = cap;
    this.#headroom = Math.min(headroom, Math.floor(cap / 2));
    this.#stopListening = log.onDurable((entries) => this.#fanOut(entries));
    this.#bridge = bridge;
    this.#stopBridge = bridge?.subscribe(accountId, (frame) => {
      for (const m of this.members) m.onEph?.(frame);
    });
    this.#presenceBridge = presence;
    this.#stopPresence = presence?.watch(accountId, () => this.#presence());
  }

  /** Sends an ephemeral frame to the account's sockets on other relay processes, if any. */
  publishEph(frame: Uint8Array): void {
    this.#bridge?.publish(this.accountId, frame);
  }

  /**
   * Sends entries that just became durable to every member but their uploader, in order. When
   * all their bytes are still in memory, one frame per distinct set of entries is built and
   * shared by the members that get that set (usually all but the uploaders); otherwise the
   * members read them from the log.
   */
  #fanOut(entries: readonly StoredEntry[]): void {
    const from = entries.map((e) => this.#origins.get(`${e.doc}/${e.chunk}`));
    for (const e of entries) this.#origins.delete(`${e.doc}/${e.chunk}`);
    if (this.members.size === 0) return;
    let total = 0;
    for (const [i, e] of entries.entries()) total += from[i]?.bytes ? e.size : Infinity;
    const inMemory = total <= PART_BYTES && entries.length <= ENTRIES_PER_FRAME;
    /** the frame of every entry, shared by the members that uploaded none of them */
    let all: SharedFrame | null = null;
    for (const m of this.members) {
      const mine: StoredEntry[] = [];
      const bodies: Uint8Array[] = [];
      for (const [i, e] of entries.entries()) {
        if (from[i]?.member === m) continue;
        mine.push(e);
        const bytes = from[i]?.bytes;
        if (bytes) bodies.push(bytes);
      }
      if (mine.length === 0) continue;
      if (!inMemory) {
        m.onEntries(mine);
        continue;
      }
      let frame: SharedFrame;
      if (mine.length === entries.length) frame = all ??= this.#frame(mine, bodies);
      else frame = this.#frame(mine, bodies);
      m.onEntries(mine, frame);
      if (frame !== all) frame.done();
    }
    all?.done();
  }

  #frame(entries: readonly StoredEntry[], bodies: readonly Uint8Array[]): SharedFrame {
    const heads: EntryHeader[] = entries.map((e) => ({ seq: e.seq, doc: e.doc, chunk: e.chunk, kind: e.kind, size: e.size, offset: 0, len: e.size }));
    const frame = encodeFrame({ t: 'entries', entries: heads }, bodies);
    this.received(frame.length);
    return new SharedFrame(frame, (n) => this.release(n));
  }

  /**
   * `bytes`: the whole chunk when it arrived in one part (kept until it is durable and sent on;
   * already counted as bytes in flight by the caller until then).
   */
  setOrigin(doc: string, chunk: string, member: HubMember, bytes: Uint8Array | null = null): void {
    this.#origins.set(`${doc}/${chunk}`, { member, bytes });
  }

  clearOrigin(doc: string, chunk: string, member: HubMember): void {
    if (this.#origins.get(`${doc}/${chunk}`)?.member === member) this.#origins.delete(`${doc}/${chunk}`);
  }

  join(m: HubMember): void {
    this.members.add(m);
    if (this.#paused) m.setPaused(true);
    this.#presenceBridge?.publish(this.accountId, this.members.size);
    this.#presence();
  }

  leave(m: HubMember): void {
    if (!this.members.delete(m)) return;
    for (const [k, v] of this.#origins) if (v.member === m) this.#origins.delete(k);
    this.#presenceBridge?.publish(this.accountId, this.members.size);
    this.#presence();
  }

  /** Each socket hears how many other sockets of the account are connected, on every relay. */
  #presence(): void {
    const n = this.members.size + (this.#presenceBridge?.remote(this.accountId) ?? 0);
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
    this.#stopPresence?.();
    await this.log.close();
  }
}
