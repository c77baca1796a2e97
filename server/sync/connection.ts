// Over 400 lines on purpose: one socket's state machine; frames, uploads and the ordered send queue share its state and the ordering invariants below.
/**
 * One authenticated-or-not socket of the v2 protocol (shared/sync/protocol.ts).
 *
 * Frames are handled in arrival order; hello must come first. Uploads are written part by part
 * through the fair disk queue and answered once (ack after the chunk is durable, or nack).
 * Everything sent goes through one ordered send queue with a window of unflushed bytes
 * (the ws send callback says when bytes left for the kernel): a pull streams its `first`
 * documents' entries, then the other entries, then `caught-up`, and only then is the socket
 * sent live entries, so none is lost or repeated.
 */
import { randomBytes } from 'node:crypto';
import type WebSocket from 'ws';
import {
  CLOSE,
  decodeClientFrame,
  encodeFrame,
  PART_BYTES,
  type ClientHeader,
  type EntryHeader,
  type NackCode,
  type RelayHeader,
} from '../../shared/sync/protocol.ts';
import type { Account } from '../accounts.ts';
import { ChunkStoreError, isUpload, type AppendResult, type ChunkUpload, type StoredEntry } from '../chunk-store/chunk-store.ts';
import type { AccountHub, HubMember, SharedFrame } from './account-hub.ts';
import type { FairQueue } from './fair-queue.ts';
import type { FramePool, PooledFrame } from './frame-pool.ts';

/** What a connection needs from the endpoint. */
export interface ConnectionContext {
  queue: FairQueue;
  /** buffers of large entries frames, reused */
  frames: FramePool;
  /** a pull (catch-up) began / ended, however it ended */
  pullStarted(): void;
  pullEnded(): void;
  log: (line: string) => void;
  /** hello: checks the token; null = refused (the socket is closed by the callee) */
  authenticate(conn: Connection, token: string): Promise<{ account: Account; hub: AccountHub; legacy: boolean } | null>;
  claim(accountId: string, keyId: string, workspace: string): Promise<{ keyId: string; workspaceUrl: string } | null>;
  /** the socket is gone (or refused): leave the hub */
  closed(conn: Connection): void;
  maxAccountBytes: number;
}

/**
 * Unflushed bytes per socket before the send queue waits: one full entries frame, so a pull
 * keeps the socket busy while the relay holds at most ~2 frames per socket.
 */
const SEND_WINDOW = PART_BYTES;
/** Entries taken from the log per step of a pull. */
const PULL_BATCH = 512;

/** Printable ASCII only, at most 120 characters: safe in a log line and in a close reason. */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 120 ? `${clean.slice(0, 117)}...` : clean;
}

/** The socket closed while a frame waited for room: nothing to send. */
class Closed extends Error {}

/** `frame`: the live entries' frame, built once by the hub for every socket that gets them. */
type SendItem = { t: 'pull'; since: number; first: readonly string[] } | { t: 'live'; entries: readonly StoredEntry[]; frame?: SharedFrame };

interface UploadState {
  header: Extract<ClientHeader, { t: 'put' }>;
  next: number;
  /** null: parts are read and discarded (refused, or a duplicate) until the last one */
  upload: ChunkUpload | null;
  duplicate: AppendResult | null;
  /** parts written in order */
  chain: Promise<void>;
  failed: boolean;
}

export class Connection implements HubMember {
  readonly id = randomBytes(9).toString('base64url');
  readonly ws: WebSocket;
  readonly ip: string;
  account: Account | null = null;
  hub: AccountHub | null = null;
  tokenHash: string | null = null;
  readonly #ctx: ConnectionContext;
  #inbox: Promise<void> = Promise.resolve();
  #helloSeen = false;

  /** A hello arrived (its token may still be being checked, its account opened). */
  get helloSeen(): boolean {
    return this.#helloSeen;
  }
  #closed = false;
  #caughtUp = false;
  readonly #sendQueue: SendItem[] = [];
  #pumping = false;
  #unflushed = 0;
  #roomWaiter: (() => void) | null = null;
  readonly #uploads = new Map<number, UploadState>();

  constructor(ws: WebSocket, ip: string, ctx: ConnectionContext) {
    this.ws = ws;
    this.ip = ip;
    this.#ctx = ctx;
    ws.on('message', (data: Buffer, isBinary: boolean) => this.#onMessage(data, isBinary));
    ws.once('close', () => this.#onClose());
  }

  /** Closes with an `error` frame saying why (`message` is made printable ASCII, ≤ 120 characters). */
  fail(code: number, message: string): void {
    if (this.#closed) return;
    this.#closed = true;
    const text = printable(message);
    try {
      this.ws.send(encodeFrame({ t: 'error', code, message: text }));
      // A close reason is at most 123 bytes: printable ASCII of ≤ 120 characters fits.
      this.ws.close(code, text);
    } catch {
      this.ws.terminate();
      return;
    }
    setTimeout(() => this.ws.terminate(), 2_000).unref();
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (this.#closed) return;
    if (!isBinary) return this.#badFrame('text frames are not part of the protocol');
    const r = decodeClientFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (!r.ok) return this.#badFrame(r.reason);
    const { header, body } = r.frame;
    if (!this.#helloSeen) {
      if (header.t !== 'hello') return this.#badFrame('the first frame must be hello');
      this.#helloSeen = true;
    } else if (header.t === 'hello') {
      return this.#badFrame('a second hello');
    }
    // Puts are counted as soon as their bytes are in memory (the account may pause its sockets).
    if (header.t === 'put') this.hub?.received(body.length);
    const counted = header.t === 'put' && this.hub !== null;
    this.#inbox = this.#inbox
      .then(() => this.#handle(header, body, counted))
      .catch((err: unknown) => {
        this.#ctx.log(`sync: a frame failed: ${err instanceof Error ? err.message : String(err)}`);
        this.fail(1011, 'internal error');
      });
  }

  #badFrame(reason: string): void {
    // The reason may quote what the client sent: only printable ASCII of it reaches the log.
    this.#ctx.log(`sync: closed a socket from ${this.ip}: bad frame (${printable(reason)})`);
    this.fail(CLOSE.badFrame, `bad frame: ${reason}`);
  }

  async #handle(header: ClientHeader, body: Uint8Array, counted: boolean): Promise<void> {
    if (this.#closed) {
      if (counted) this.hub?.release(body.length);
      return;
    }
    switch (header.t) {
      case 'hello': {
        const ok = await this.#ctx.authenticate(this, header.token);
        if (!ok) return;
        if (this.#closed) {
          // Gone while its token was checked: the hub opened for it must not stay open for nobody.
          this.hub = ok.hub;
          this.#ctx.closed(this);
          return;
        }
        this.account = ok.account;
        this.hub = ok.hub;
        const peers = ok.hub.members.size;
        this.#send({
          t: 'welcome',
          account: ok.account.id,
          keyId: ok.account.keyId,
          workspace: ok.account.workspaceUrl || null,
          head: ok.hub.log.head(),
          peers,
          ...(ok.legacy ? { legacy: true } : {}),
        });
        ok.hub.join(this);
        return;
      }
      case 'set-key': {
        const account = this.account;
        if (!account) return;
        const r = await this.#ctx.claim(account.id, header.keyId, header.workspace);
        if (!r) return this.fail(CLOSE.tokenRefused, 'account removed');
        this.account = { ...account, keyId: r.keyId, workspaceUrl: r.workspaceUrl };
        this.#send({ t: 'key-set', keyId: r.keyId, workspace: r.workspaceUrl || null });
        return;
      }
      case 'pull':
        this.#caughtUp = false;
        // A new pull replaces whatever is not sent yet: it resends everything after `since`.
        this.#dropQueued();
        this.#enqueue({ t: 'pull', since: header.since, first: header.first ?? [] });
        return;
      case 'put':
        this.#put(header, body, counted);
        return;
      case 'eph': {
        const hub = this.hub;
        if (!hub) return;
        const frame = encodeFrame({ t: 'eph', from: this.id, ...(header.doc ? { doc: header.doc } : {}) }, body);
        for (const m of hub.members) if (m !== this && m instanceof Connection) m.#sendRaw(frame);
        hub.publishEph(frame);
        return;
      }
    }
  }

  #put(header: Extract<ClientHeader, { t: 'put' }>, body: Uint8Array, counted: boolean): void {
    const hub = this.hub;
    if (!hub) return;
    let state = this.#uploads.get(header.id);
    if (header.offset === 0 && state) {
      // A restart of the same request id: the old attempt is abandoned.
      state.upload?.abort();
      this.#uploads.delete(header.id);
      state = undefined;
    }
    if (!state) {
      if (header.offset !== 0) {
        if (counted) hub.release(body.length);
        this.#nack(header.id, 'bad-part', 'a part of an upload that was not started', false);
        return;
      }
      state = this.#begin(hub, header);
      this.#uploads.set(header.id, state);
    } else if (
      state.header.doc !== header.doc ||
      state.header.chunk !== header.chunk ||
      state.header.kind !== header.kind ||
      state.header.size !== header.size ||
      state.next !== header.offset
    ) {
      if (counted) hub.release(body.length);
      if (!state.failed) {
        state.failed = true;
        state.upload?.abort();
        if (state.upload) hub.reserved -= state.header.size;
        state.upload = null;
        this.#nack(header.id, 'bad-part', 'parts out of order or of another chunk', false);
      }
      if (header.offset + body.length >= header.size) this.#uploads.delete(header.id);
      return;
    }
    state.next = header.offset + body.length;
    const last = state.next === header.size;
    // A chunk that came in one part is sent on to the account's other sockets from memory once
    // durable: its bytes stay counted in flight until the commit is over.
    const whole = header.offset === 0 && last;
    if (last) this.#uploads.delete(header.id);
    const s = state;
    const upload = s.upload;
    hub.hold();
    s.chain = s.chain
      .then(async () => {
        if (upload && !s.failed) {
          try {
            await this.#ctx.queue.run(hub.accountId, () => upload.write(body));
          } catch (err) {
            this.#uploadFailed(hub, s, err);
          }
        }
        if (counted && !whole) hub.release(body.length);
        if (!last || s.failed) return;
        if (s.duplicate) return this.#send({ t: 'ack', id: header.id, seq: s.duplicate.seq, duplicate: true });
        if (!upload) return;
        hub.setOrigin(header.doc, header.chunk, this, whole && counted ? body : null);
        try {
          const r = await upload.commit();
          // Stored meanwhile by another upload: that one is what the others get.
          if (r.duplicate) hub.clearOrigin(header.doc, header.chunk, this);
          this.#send({ t: 'ack', id: header.id, seq: r.seq, ...(r.duplicate ? { duplicate: true } : {}) });
        } catch (err) {
          hub.clearOrigin(header.doc, header.chunk, this);
          this.#uploadFailed(hub, s, err);
        } finally {
          hub.reserved -= header.size;
        }
      })
      .finally(() => {
        if (counted && whole) hub.release(body.length);
        hub.unhold();
        if (this.#closed) this.#ctx.closed(this);
      });
  }

  #begin(hub: AccountHub, header: Extract<ClientHeader, { t: 'put' }>): UploadState {
    const state: UploadState = { header, next: 0, upload: null, duplicate: null, chain: Promise.resolve(), failed: false };
    const limit = this.#ctx.maxAccountBytes;
    try {
      const r = hub.log.begin({ doc: header.doc, chunk: header.chunk, kind: header.kind, size: header.size, covers: header.covers });
      if (!isUpload(r)) {
        state.duplicate = r;
        return state;
      }
      if (limit > 0 && hub.log.bytesUsed() + hub.reserved + header.size > limit) {
        r.abort();
        state.failed = true;
        this.#nack(header.id, 'quota', 'the account is over its storage quota', false);
        return state;
      }
      hub.reserved += header.size;
      state.upload = r;
    } catch (err) {
      state.failed = true;
      this.#nackError(header.id, err);
    }
    return state;
  }

  #uploadFailed(hub: AccountHub, s: UploadState, err: unknown): void {
    if (s.failed) return;
    s.failed = true;
    s.upload?.abort();
    this.#nackError(s.header.id, err);
    if (!(err instanceof ChunkStoreError)) this.#ctx.log(`sync: account ${hub.accountId}: an upload failed: ${String(err)}`);
  }

  #nackError(id: number, err: unknown): void {
    if (err instanceof ChunkStoreError) {
      const code: NackCode = err.code === 'bad-covers' ? 'bad-covers' : err.code === 'bad-part' ? 'bad-part' : 'unavailable';
      this.#nack(id, code, err.message, code === 'unavailable');
    } else {
      this.#nack(id, 'unavailable', 'the relay could not store this chunk', true);
    }
  }

  #nack(id: number, code: NackCode, message: string, retryable: boolean): void {
    this.#send({ t: 'nack', id, code, message, retryable });
  }

  // --- HubMember ---

  setPaused(paused: boolean): void {
    if (this.#closed) return;
    if (paused) this.ws.pause();
    else this.ws.resume();
  }

  onEntries(entries: readonly StoredEntry[], frame?: SharedFrame): void {
    if (!this.#caughtUp || this.#closed) return;
    frame?.take();
    this.#enqueue({ t: 'live', entries, frame });
  }

  onPresence(peers: number): void {
    this.#send({ t: 'presence', peers });
  }

  onEph(frame: Uint8Array): void {
    void this.#sendRaw(frame);
  }

  // --- sending ---

  #send(header: RelayHeader): void {
    this.#sendRaw(encodeFrame(header));
  }

  /** Sends now (small frames: answers, presence, eph); bytes count towards the window. */
  #sendRaw(frame: Uint8Array): Promise<void> {
    if (this.#closed || this.ws.readyState !== 1) return Promise.resolve();
    this.#unflushed += frame.length;
    return new Promise<void>((resolve) => {
      this.ws.send(frame, () => {
        this.#unflushed -= frame.length;
        if (this.#unflushed < SEND_WINDOW) {
          const w = this.#roomWaiter;
          this.#roomWaiter = null;
          w?.();
        }
        resolve();
      });
    });
  }

  async #room(): Promise<void> {
    while (this.#unflushed >= SEND_WINDOW && !this.#closed) await new Promise<void>((r) => (this.#roomWaiter = r));
  }

  #enqueue(item: SendItem): void {
    this.#sendQueue.push(item);
    if (!this.#pumping) void this.#pump();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    const hub = this.hub;
    if (hub) hub.hold();
    try {
      while (hub && !this.#closed) {
        const item = this.#sendQueue.shift();
        if (!item) break;
        if (item.t === 'live' && item.frame) await this.#sendShared(item.frame);
        else if (item.t === 'live') await this.#stream(hub, item.entries);
        else {
          this.#ctx.pullStarted();
          try {
            const sentAhead = await this.#streamAhead(hub, item.since, new Set(item.first));
            if (this.#closed) return;
            let cursor = item.since;
            for (;;) {
              const batch = hub.log.entriesAfter(cursor, PULL_BATCH);
              if (batch.length === 0) break;
              const rest = sentAhead.size ? batch.filter((e) => !sentAhead.has(e.seq)) : batch;
              if (rest.length) await this.#stream(hub, rest);
              if (this.#closed) return;
              cursor = batch[batch.length - 1]?.seq ?? cursor;
            }
            // Nothing after `cursor` now: from here on, new entries come through onEntries.
            this.#caughtUp = true;
            this.#send({ t: 'caught-up', seq: Math.max(cursor, hub.log.head()) });
          } finally {
            this.#ctx.pullEnded();
          }
        }
      }
    } catch (err) {
      this.#ctx.log(`sync: account ${hub?.accountId ?? '?'}: sending entries failed: ${err instanceof Error ? err.message : String(err)}`);
      this.fail(1011, 'the relay could not read stored chunks');
    } finally {
      this.#pumping = false;
      if (this.#closed) this.#dropQueued();
      if (hub) {
        hub.unhold();
        if (this.#closed) this.#ctx.closed(this);
      }
    }
  }

  /** Sends a frame the hub built for several sockets, in this socket's order. */
  async #sendShared(shared: SharedFrame): Promise<void> {
    await this.#room();
    if (this.#closed) return shared.done();
    void this.#sendRaw(shared.frame).finally(() => shared.done());
  }

  /**
   * A pull's `first` documents: their entries after `since`, in frames of their own marked
   * `ahead`, before anything else. The index is in memory, so finding them is a scan without
   * reads; a document has few live chunks (compaction), so they are gathered before sending.
   * Returns the seqs sent, which the rest of the pull skips.
   */
  async #streamAhead(hub: AccountHub, since: number, docs: ReadonlySet<string>): Promise<Set<number>> {
    const ahead: StoredEntry[] = [];
    if (docs.size === 0) return new Set();
    for (let cursor = since; ; ) {
      const batch = hub.log.entriesAfter(cursor, PULL_BATCH);
      if (batch.length === 0) break;
      for (const e of batch) if (docs.has(e.doc)) ahead.push(e);
      cursor = batch[batch.length - 1]?.seq ?? cursor;
    }
    if (ahead.length) await this.#stream(hub, ahead, true);
    return new Set(ahead.map((e) => e.seq));
  }

  /** Forgets what is queued and not sent yet, giving back the shared frames it held. */
  #dropQueued(): void {
    for (const item of this.#sendQueue.splice(0)) if (item.t === 'live') item.frame?.done();
  }

  /**
   * Sends entries: small ones several per frame, a large one in parts of PART_BYTES. Each frame
   * is allocated once, when there is room to send it, and the stored bytes are read straight
   * into it: no buffer per chunk (thousands of small buffers left the allocator's memory
   * fragmented long after a pull), no copy. `ahead`: the frames are marked as served out of
   * seq order (a pull's `first` documents).
   */
  async #stream(hub: AccountHub, entries: readonly StoredEntry[], ahead = false): Promise<void> {
    let heads: EntryHeader[] = [];
    let pieces: { e: StoredEntry; offset: number; len: number }[] = [];
    let bytes = 0;
    const flush = async () => {
      if (heads.length === 0) return;
      const n = bytes;
      const header: RelayHeader = { t: 'entries', entries: heads, ...(ahead ? { ahead: true as const } : {}) };
      const want = pieces;
      heads = [];
      pieces = [];
      bytes = 0;
      let built: PooledFrame | null = null;
      try {
        await this.#room();
        if (this.#closed) throw new Closed();
        const f = (built = this.#ctx.frames.frame(header, n));
        await this.#ctx.queue.run(hub.accountId, async () => {
          let at = f.bodyAt;
          for (const p of want) {
            await hub.log.readInto(p.e, p.offset, p.len, f.frame, at);
            at += p.len;
          }
        });
      } catch (err) {
        built?.release();
        hub.release(n);
        if (err instanceof Closed) return;
        throw err;
      }
      const sent = built;
      void this.#sendRaw(sent.frame).finally(() => {
        sent.release();
        hub.release(n);
      });
    };
    for (const e of entries) {
      for (let offset = 0; offset < e.size; ) {
        const len = Math.min(PART_BYTES - bytes, e.size - offset);
        if (len <= 0 || heads.length >= 256) {
          await flush();
          if (this.#closed) return;
          continue;
        }
        await hub.acquire(len);
        heads.push({ seq: e.seq, doc: e.doc, chunk: e.chunk, kind: e.kind, size: e.size, offset, len });
        pieces.push({ e, offset, len });
        bytes += len;
        offset += len;
        if (this.#closed) {
          hub.release(bytes);
          return;
        }
      }
    }
    await flush();
  }

  #onClose(): void {
    this.#closed = true;
    this.#roomWaiter?.();
    for (const s of this.#uploads.values()) {
      if (s.upload && !s.failed) {
        s.failed = true;
        s.upload.abort();
        if (this.hub) this.hub.reserved -= s.header.size;
      }
    }
    this.#uploads.clear();
    if (!this.#pumping) this.#dropQueued();
    this.#ctx.closed(this);
  }
}
