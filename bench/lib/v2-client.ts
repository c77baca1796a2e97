/**
 * A device's connection to the encrypted relay at the protocol level (shared/sync/protocol.ts,
 * version 2), for the relay figures: hello, pull, put (in parts), and entries joined from their
 * parts. It knows nothing of Automerge or keys (bench/lib/v2-device.ts does); bodies are the
 * sealed bytes as they travel.
 *
 * Invariants: puts are answered by id (one ack or nack per put, whatever its number of parts);
 * an entry is handed on once, whole, in log order (the relay sends a chunk's parts in order).
 */
import WebSocket from 'ws';
import {
  CLOSE,
  decodeRelayFrame,
  encodeFrame,
  entryBodies,
  PART_BYTES,
  PROTOCOL_VERSION,
  type ChunkKind,
  type ClientHeader,
  type EntryHeader,
  type NackCode,
  type RelayHeader,
} from '../../shared/sync/protocol.ts';

export type Welcome = Extract<RelayHeader, { t: 'welcome' }>;

/** One log entry, parts joined: `sealed` is the whole encrypted chunk. */
export interface LogEntry {
  seq: number;
  doc: string;
  chunk: string;
  kind: ChunkKind;
  sealed: Uint8Array;
}

export interface PutResult {
  seq: number;
  duplicate: boolean;
}

export class NackError extends Error {
  constructor(
    readonly code: NackCode,
    message: string,
    readonly retryable: boolean,
  ) {
    super(`nack ${code}: ${message}`);
  }
}

export interface V2Client {
  readonly welcome: Welcome;
  /** highest sequence number received (0 before any) */
  readonly lastSeq: number;
  /** Asks for every entry after `since`; resolves with the `caught-up` seq. Entries go to `onEntry`. */
  pull(since: number): Promise<number>;
  /** Sends one chunk (in parts when larger than PART_BYTES); resolves on its ack. */
  put(doc: string, chunk: string, kind: ChunkKind, sealed: Uint8Array, covers?: string[]): Promise<PutResult>;
  /** Called for every whole entry, live or pulled. One listener (the device). */
  onEntry(fn: (entry: LogEntry) => void): void;
  /** resolves when the socket has closed, with the relay's code */
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** ws://HOST:PORT/sync for a relay's http URL */
export function syncEndpoint(relayUrl: string): string {
  return `${relayUrl.replace(/^http/, 'ws')}/sync`;
}

export async function connectV2(wsUrl: string, token: string, timeoutMs = 20_000): Promise<V2Client> {
  const ws = new WebSocket(wsUrl, { maxPayload: 8 * 1024 * 1024 });
  ws.binaryType = 'nodebuffer';
  ws.on('error', () => {});
  const pending = new Map<number, { resolve: (r: PutResult) => void; reject: (e: Error) => void }>();
  let nextPutId = 1;
  let lastSeq = 0;
  let onEntry: (entry: LogEntry) => void = () => {};
  let caughtUp: ((seq: number) => void) | null = null;
  /** parts of the chunk being received (the relay interleaves nothing inside a chunk) */
  let partial: { header: EntryHeader; buf: Uint8Array; got: number } | null = null;
  let welcomed: (w: Welcome) => void = () => {};
  let refused: (e: Error) => void = () => {};
  const welcome = new Promise<Welcome>((resolve, reject) => {
    welcomed = resolve;
    refused = reject;
  });
  const timer = setTimeout(() => refused(new Error('v2 client: no welcome in time')), timeoutMs);

  const deliver = (h: EntryHeader, sealed: Uint8Array) => {
    lastSeq = Math.max(lastSeq, h.seq);
    onEntry({ seq: h.seq, doc: h.doc, chunk: h.chunk, kind: h.kind, sealed });
  };

  ws.on('message', (data: Buffer) => {
    const decoded = decodeRelayFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (!decoded.ok) {
      refused(new Error(`v2 client: bad frame from the relay (${decoded.reason})`));
      ws.close(CLOSE.badFrame);
      return;
    }
    const { header } = decoded.frame;
    switch (header.t) {
      case 'welcome':
        clearTimeout(timer);
        welcomed(header);
        return;
      case 'entries': {
        const bodies = entryBodies({ header, body: decoded.frame.body });
        header.entries.forEach((e, i) => {
          const body = bodies[i]!;
          if (e.offset === 0 && e.len === e.size) {
            deliver(e, body);
            return;
          }
          if (!partial || partial.header.seq !== e.seq) partial = { header: e, buf: new Uint8Array(e.size), got: 0 };
          partial.buf.set(body, e.offset);
          partial.got += e.len;
          if (partial.got >= e.size) {
            const whole = partial;
            partial = null;
            deliver(whole.header, whole.buf);
          }
        });
        return;
      }
      case 'caught-up':
        lastSeq = Math.max(lastSeq, header.seq);
        caughtUp?.(header.seq);
        caughtUp = null;
        return;
      case 'ack': {
        const p = pending.get(header.id);
        pending.delete(header.id);
        p?.resolve({ seq: header.seq, duplicate: header.duplicate === true });
        return;
      }
      case 'nack': {
        const p = pending.get(header.id);
        pending.delete(header.id);
        p?.reject(new NackError(header.code, header.message, header.retryable));
        return;
      }
      case 'error':
        refused(new Error(`v2 client: relay error ${header.code}: ${header.message}`));
        return;
      default:
        return; // presence, eph, key-set: not used by the figures
    }
  });

  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      const err = new Error(`v2 client: socket closed (${code} ${reason.toString()})`);
      refused(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      resolve({ code, reason: reason.toString() });
    });
  });

  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`v2 client: upgrade refused (${res.statusCode})`)));
    ws.once('close', () => reject(new Error('v2 client: closed before open')));
  });
  const send = (header: ClientHeader, body?: Uint8Array) => ws.send(encodeFrame(header, body));
  send({ t: 'hello', protocol: PROTOCOL_VERSION, token });
  const w = await welcome;

  return {
    welcome: w,
    get lastSeq() {
      return lastSeq;
    },
    pull(since) {
      return new Promise<number>((resolve, reject) => {
        if (ws.readyState !== WebSocket.OPEN) return reject(new Error('v2 client: socket not open'));
        caughtUp = resolve;
        send({ t: 'pull', since });
      });
    },
    put(doc, chunk, kind, sealed, covers) {
      return new Promise<PutResult>((resolve, reject) => {
        if (ws.readyState !== WebSocket.OPEN) return reject(new Error('v2 client: socket not open'));
        const id = nextPutId++;
        pending.set(id, { resolve, reject });
        for (let offset = 0; offset < sealed.length; offset += PART_BYTES) {
          const header: ClientHeader = { t: 'put', id, doc, chunk, kind, size: sealed.length, offset };
          if (covers) header.covers = covers; // on every part: whichever part the relay reads it from
          send(header, sealed.subarray(offset, Math.min(sealed.length, offset + PART_BYTES)));
        }
      });
    },
    onEntry(fn) {
      onEntry = fn;
    },
    closed,
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        const t = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2_000);
        void closed.then(() => {
          clearTimeout(t);
          resolve();
        });
        ws.close(1000);
      }),
  };
}
