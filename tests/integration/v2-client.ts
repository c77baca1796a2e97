/**
 * A raw client of relay protocol v2 for the integration tests: real WebSocket, frames encoded and
 * decoded with shared/sync/protocol.ts, and waits on frames as events (never on the clock).
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import {
  decodeRelayFrame,
  encodeFrame,
  entryBodies,
  PART_BYTES,
  type ChunkKind,
  type ClientHeader,
  type Frame,
  type RelayHeader,
} from '../../shared/sync/protocol.ts';
import { syncUrl } from '../../server/relay.ts';

export type RelayFrame = Frame<RelayHeader>;
type Of<T extends RelayHeader['t']> = Extract<RelayHeader, { t: T }>;

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** A document id of the right shape (base58, 28 characters). */
export function docId(): string {
  return [...randomBytes(28)].map((b) => B58[b % 58]).join('');
}
export function chunkId(): string {
  return randomBytes(16).toString('base64url');
}

/** A whole chunk received from entries frames (parts joined). */
export interface ReceivedChunk {
  seq: number;
  doc: string;
  chunk: string;
  kind: ChunkKind;
  bytes: Uint8Array;
}

/** Frames of every client get a stamp from one counter, so tests can order events across sockets. */
let stamps = 0;

export class V2Client {
  readonly ws: WebSocket;
  /** every frame received, in order */
  readonly frames: RelayFrame[] = [];
  /** the stamp of each frame (same index as `frames`), from a counter shared by all clients */
  readonly stamps: number[] = [];
  /** whole chunks received, in order of their last part */
  readonly chunks: ReceivedChunk[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #partial = new Map<string, { seq: number; doc: string; chunk: string; kind: ChunkKind; bytes: Uint8Array; got: number }>();
  #waiters: (() => void)[] = [];
  #nextId = 1;
  /** frames the client could not decode (a relay bug) */
  readonly undecodable: string[] = [];

  /** the close code and reason, once closed (for failure messages) */
  #closedWith = '';

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.once('close', (code: number, reason: Buffer) => {
      this.#closedWith = `${code}${reason.length > 0 ? ` ${reason.toString()}` : ''}`;
      resolve({ code, reason: reason.toString() });
      this.#wake();
    }));
    ws.on('message', (data: Buffer) => {
      const r = decodeRelayFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (!r.ok) {
        this.undecodable.push(r.reason);
        return;
      }
      this.frames.push(r.frame);
      this.stamps.push(++stamps);
      if (r.frame.header.t === 'entries') this.#collect(r.frame as Frame<Of<'entries'>>);
      this.#wake();
    });
  }

  static async open(relayUrl: string): Promise<V2Client> {
    const ws = new WebSocket(syncUrl(relayUrl), { maxPayload: 8 * PART_BYTES });
    const client = new V2Client(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return client;
  }

  /** Opens a socket, says hello and waits for the welcome. */
  static async connect(relayUrl: string, token: string): Promise<{ client: V2Client; welcome: Of<'welcome'> }> {
    const client = await V2Client.open(relayUrl);
    client.send({ t: 'hello', protocol: 2, token });
    const welcome = await client.next('welcome');
    return { client, welcome };
  }

  #collect(frame: Frame<Of<'entries'>>): void {
    const bodies = entryBodies(frame);
    frame.header.entries.forEach((e, i) => {
      const k = `${e.seq}`;
      let p = this.#partial.get(k);
      if (!p) {
        p = { seq: e.seq, doc: e.doc, chunk: e.chunk, kind: e.kind, bytes: new Uint8Array(e.size), got: 0 };
        this.#partial.set(k, p);
      }
      const body = bodies[i] ?? new Uint8Array();
      p.bytes.set(body, e.offset);
      p.got += body.length;
      if (p.got === e.size) {
        this.#partial.delete(k);
        this.chunks.push({ seq: p.seq, doc: p.doc, chunk: p.chunk, kind: p.kind, bytes: p.bytes });
      }
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Resolves once `cond` holds (checked on every frame); rejects if the socket closes first. */
  async until<T>(cond: () => T | undefined | false, what: string): Promise<T> {
    for (;;) {
      const v = cond();
      if (v) return v;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed (${this.#closedWith}) while waiting for ${what}`);
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  /** The first frame of type `t` received after index `from` (default: any so far). */
  next<T extends RelayHeader['t']>(t: T, pred: (h: Of<T>) => boolean = () => true, from = 0): Promise<Of<T>> {
    return this.until(() => {
      for (let i = from; i < this.frames.length; i++) {
        const h = this.frames[i]?.header;
        if (h && h.t === t && pred(h as Of<T>)) return h as Of<T>;
      }
      return undefined;
    }, `a ${t} frame`);
  }

  send(header: ClientHeader, body?: Uint8Array): void {
    this.ws.send(encodeFrame(header, body));
  }

  /** Sends a chunk in parts; returns the request id (answered by ack or nack). */
  put(doc: string, chunk: string, bytes: Uint8Array, opts: { kind?: ChunkKind; covers?: string[]; id?: number } = {}): number {
    const id = opts.id ?? this.#nextId++;
    const kind = opts.kind ?? 'change';
    for (let offset = 0; offset < bytes.length; offset += PART_BYTES) {
      const part = bytes.subarray(offset, Math.min(bytes.length, offset + PART_BYTES));
      this.send({ t: 'put', id, doc, chunk, kind, size: bytes.length, offset, ...(opts.covers ? { covers: opts.covers } : {}) }, part);
    }
    return id;
  }

  /** The stamp of the frame answering request `id` (see `stamps`), or undefined. */
  answerStamp(id: number): number | undefined {
    const i = this.frames.findIndex((f) => (f.header.t === 'ack' || f.header.t === 'nack') && f.header.id === id);
    return i < 0 ? undefined : this.stamps[i];
  }

  /** The ack or nack of request `id`. */
  answer(id: number): Promise<Of<'ack'> | Of<'nack'>> {
    return this.until(() => {
      for (const f of this.frames) {
        const h = f.header;
        if ((h.t === 'ack' || h.t === 'nack') && h.id === id) return h;
      }
      return undefined;
    }, `the answer to put ${id}`);
  }

  async putAndWait(doc: string, chunk: string, bytes: Uint8Array, opts: { kind?: ChunkKind; covers?: string[] } = {}): Promise<Of<'ack'> | Of<'nack'>> {
    return this.answer(this.put(doc, chunk, bytes, opts));
  }

  /** pull {since, first?} and wait for its caught-up; returns the chunks received up to it. */
  async pull(since: number, first?: string[]): Promise<{ caughtUp: number; chunks: ReceivedChunk[] }> {
    const mark = this.frames.length;
    const chunksBefore = this.chunks.length;
    this.send({ t: 'pull', since, ...(first ? { first } : {}) });
    const c = await this.next('caught-up', () => true, mark);
    return { caughtUp: c.seq, chunks: this.chunks.slice(chunksBefore) };
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
  }
}
