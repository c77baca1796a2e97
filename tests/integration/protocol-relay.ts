/**
 * A small in-memory relay speaking shared/sync/protocol.ts, for the engine's tests while the
 * real v2 relay (server/) is being built. It keeps the protocol's promises the engine relies
 * on: hello first, gap-free sequence numbers, ack once stored, duplicates acked once,
 * pull then caught-up then live entries, snapshot covers, ephemeral fan-out, presence.
 * `sent` records every frame it sent (for the tests that look for plaintext).
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { CLOSE, PART_BYTES, decodeClientFrame, encodeFrame, type ChunkKind, type RelayHeader } from '../../shared/sync/protocol.ts';

interface Entry {
  seq: number;
  doc: string;
  chunk: string;
  kind: ChunkKind;
  bytes: Uint8Array;
  dropped: boolean;
}

interface Account {
  id: string;
  keyId: string | null;
  workspace: string | null;
  legacy: boolean;
  log: Entry[];
  sockets: Set<Conn>;
}

interface Conn {
  ws: WebSocket;
  id: string;
  account: Account | null;
  live: boolean;
  uploads: Map<string, { buffer: Uint8Array; got: number }>;
}

export interface ProtocolRelay {
  url: string;
  /** every frame sent to clients */
  sent: Uint8Array[];
  accounts: Map<string, Account>;
  /** a token for a new account */
  addAccount(id: string, opts?: { legacy?: boolean }): string;
  /** closes every socket of the account with `code` */
  kick(account: string, code: number): void;
  close(): Promise<void>;
}

export async function startProtocolRelay(): Promise<ProtocolRelay> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', path: '/sync' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const tokens = new Map<string, Account>();
  const accounts = new Map<string, Account>();
  const sent: Uint8Array[] = [];
  let conns = 0;

  const send = (c: Conn, header: RelayHeader, body: Uint8Array | Uint8Array[] = []) => {
    const bytes = encodeFrame(header, body);
    sent.push(bytes);
    c.ws.send(bytes);
  };
  const presence = (a: Account) => {
    for (const c of a.sockets) send(c, { t: 'presence', peers: a.sockets.size - 1 });
  };
  const serve = (c: Conn, e: Entry) => {
    for (let offset = 0; offset < e.bytes.length || offset === 0; offset += PART_BYTES) {
      const part = e.bytes.subarray(offset, offset + PART_BYTES);
      send(c, { t: 'entries', entries: [{ seq: e.seq, doc: e.doc, chunk: e.chunk, kind: e.kind, size: e.bytes.length, offset, len: part.length }] }, part);
      if (offset + PART_BYTES >= e.bytes.length) break;
    }
  };

  wss.on('connection', (ws) => {
    const c: Conn = { ws, id: `c${++conns}`, account: null, live: false, uploads: new Map() };
    ws.on('close', () => {
      if (c.account?.sockets.delete(c)) presence(c.account);
    });
    ws.on('message', (raw: Buffer) => {
      const r = decodeClientFrame(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength));
      if (!r.ok) return ws.close(CLOSE.badFrame);
      const { header: h, body } = r.frame;
      if (!c.account) {
        const a = h.t === 'hello' ? tokens.get(h.token) : undefined;
        if (!a) {
          send(c, { t: 'error', code: CLOSE.tokenRefused, message: 'token refused' });
          return ws.close(CLOSE.tokenRefused);
        }
        c.account = a;
        a.sockets.add(c);
        send(c, { t: 'welcome', account: a.id, keyId: a.keyId, workspace: a.workspace, head: a.log.length, peers: a.sockets.size - 1, ...(a.legacy ? { legacy: true } : {}) });
        presence(a);
        return;
      }
      const a = c.account;
      switch (h.t) {
        case 'set-key':
          if (a.keyId === null) {
            a.keyId = h.keyId;
            a.workspace = h.workspace;
          }
          return send(c, { t: 'key-set', keyId: a.keyId!, workspace: a.workspace });
        case 'pull':
          for (const e of a.log) if (e.seq > h.since && !e.dropped) serve(c, e);
          send(c, { t: 'caught-up', seq: a.log.length });
          c.live = true;
          return;
        case 'eph':
          for (const o of a.sockets) if (o !== c) send(o, { t: 'eph', from: c.id, ...(h.doc ? { doc: h.doc } : {}) }, body);
          return;
        case 'put': {
          const k = `${h.doc}/${h.chunk}`;
          let u = c.uploads.get(k);
          if (!u) c.uploads.set(k, (u = { buffer: new Uint8Array(h.size), got: 0 }));
          if (h.offset !== u.got) return send(c, { t: 'nack', id: h.id, code: 'bad-part', message: 'parts out of order', retryable: false });
          u.buffer.set(body, h.offset);
          u.got += body.length;
          if (u.got < h.size) return;
          c.uploads.delete(k);
          const existing = a.log.find((e) => e.doc === h.doc && e.chunk === h.chunk);
          if (existing) return send(c, { t: 'ack', id: h.id, seq: existing.seq, duplicate: true });
          if (h.covers?.some((id) => a.log.some((e) => e.chunk === id && e.doc !== h.doc))) {
            return send(c, { t: 'nack', id: h.id, code: 'bad-covers', message: 'covers another document', retryable: false });
          }
          const e: Entry = { seq: a.log.length + 1, doc: h.doc, chunk: h.chunk, kind: h.kind, bytes: u.buffer, dropped: false };
          a.log.push(e);
          for (const id of h.covers ?? []) for (const old of a.log) if (old.chunk === id && old.doc === h.doc) old.dropped = true;
          send(c, { t: 'ack', id: h.id, seq: e.seq });
          for (const o of a.sockets) if (o !== c && o.live) serve(o, e);
          return;
        }
        case 'hello':
          return ws.close(CLOSE.badFrame);
      }
    });
  });

  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/sync`,
    sent,
    accounts,
    addAccount(id, opts = {}) {
      const a: Account = { id, keyId: null, workspace: null, legacy: opts.legacy ?? false, log: [], sockets: new Set() };
      accounts.set(id, a);
      const token = `token-${id}-${Math.random().toString(36).slice(2)}`;
      tokens.set(token, a);
      return token;
    },
    kick(account, code) {
      for (const c of accounts.get(account)?.sockets ?? []) c.ws.close(code);
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
}
