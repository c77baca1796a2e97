/**
 * 1,000 random and mutated frames on /sync (seeded; FUZZ_SEED=n to explore other seeds):
 * random bytes, text frames, valid CBOR of every shape, protocol messages with wrong field
 * types, truncated messages, huge declared lengths (in CBOR and in the WebSocket frame
 * header), corrupted sync data, deep nesting, impersonation. None may crash the relay, and
 * the account's well-behaved clients (and another account's) must neither be disconnected nor
 * stop syncing. The fuzzer reuses its socket while the relay keeps it, and reconnects when the
 * relay closes it; after each frame a ping tells which happened.
 */
import net from 'node:net';
import { next as A } from '@automerge/automerge';
import { cbor, generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRelay, syncUrl, type Relay } from '../../server/relay.ts';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import { seededRng, type Rng } from '../helpers/prng.ts';
import { automergeUrl, connectClient, findOnRelay, joinMessage, rawSocket, runCleanups, tempDir, waitConverged, type Client } from './helpers.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20251124);
const FRAMES = 1_000;

const tmp = tempDir('fuzz');
const logs: string[] = [];
let relay: Relay;
let token: string;
let workspaceUrl: string;
let a: Client;
let b: Client;
let other: Client;
let otherWorkspace: string;
let disconnects = 0;

beforeAll(async () => {
  relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: (l) => logs.push(l) });
  const alice = await relay.accounts.create('alice');
  const bob = await relay.accounts.create('bob');
  token = alice.token;
  workspaceUrl = alice.account.workspaceUrl;
  otherWorkspace = bob.account.workspaceUrl;
  a = connectClient(relay.url, token, 'alice-phone');
  b = connectClient(relay.url, token, 'alice-laptop');
  other = connectClient(relay.url, bob.token, 'bob-phone');
  await findOnRelay(a, workspaceUrl);
  await findOnRelay(b, workspaceUrl);
  await findOnRelay(other, otherWorkspace);
  for (const c of [a, b, other]) c.repo.networkSubsystem.on('peer-disconnected', () => disconnects++);
});

afterAll(() => runCleanups([tmp.remove, () => relay?.close(), () => other?.close(), () => b?.close(), () => a?.close()]));

/** Valid CBOR values of every kind, nested. */
function randomValue(rng: Rng, depth = 0): unknown {
  const kinds = depth > 3 ? ['null', 'bool', 'int', 'float', 'string', 'bytes'] : ['null', 'bool', 'int', 'float', 'string', 'bytes', 'array', 'map', 'map'];
  switch (rng.pick(kinds)) {
    case 'null':
      return rng.chance(0.5) ? null : undefined;
    case 'bool':
      return rng.chance(0.5);
    case 'int':
      return rng.pick([0, -1, 1, 255, 65_536, 2 ** 31, -(2 ** 53), Number.MAX_SAFE_INTEGER, rng.int(-1000, 1000)]);
    case 'float':
      return rng.pick([0.5, -0, NaN, Infinity, -Infinity, 1e308, rng.next()]);
    case 'string':
      return rng.string(40);
    case 'bytes':
      return rng.bytes(rng.int(0, 64));
    case 'array':
      return Array.from({ length: rng.int(0, 5) }, () => randomValue(rng, depth + 1));
    default: {
      const m: Record<string, unknown> = {};
      for (let i = rng.int(0, 6); i > 0; i--) {
        const key = rng.pick(['type', 'senderId', 'targetId', 'documentId', 'data', 'peerMetadata', 'count', 'sessionId', '__proto__', 'constructor', rng.string(8)]);
        // an own property even for "__proto__", as a decoder hands it over
        Object.defineProperty(m, key, { value: randomValue(rng, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return m;
    }
  }
}

/** CBOR headers announcing far more than follows: alone, or as the `data` of a message. */
function hugeDeclared(rng: Rng, ctx: Ctx): Uint8Array {
  const header = rng.pick([
    [0x5b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // bytes, 2^63
    [0x5a, 0xff, 0xff, 0xff, 0xff], // bytes, 4 GiB
    [0x7a, 0x10, 0x00, 0x00, 0x00], // text, 256 MiB
    [0x9a, 0x05, 0xf5, 0xe1, 0x00], // array of 100 million
    [0xba, 0x00, 0xfe, 0xff, 0x00], // map of 16 million
    [0x9b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00], // array of 2^32
  ]);
  const tail = [...header, ...rng.bytes(rng.int(0, 16))];
  if (rng.chance(0.5)) return new Uint8Array(tail);
  // `data` is encoded last, as an empty byte string (one byte, 0x40): put the header there
  const m = cbor.encode({ type: 'sync', senderId: ctx.peer, targetId: ctx.relayId, documentId: ctx.docId, data: new Uint8Array(0) });
  return new Uint8Array([...m.slice(0, -1), ...tail]);
}

interface Ctx {
  relayId: string;
  peer: string;
  docId: string;
  syncData: Uint8Array;
  bigSync: Uint8Array;
}

type Frame = { data: Uint8Array | string; needsJoin: boolean; label: string };

/** Picks a kind of frame; `build` makes it once the socket (and so the context) is ready. */
function pickFrame(rng: Rng): { needsJoin: boolean; build: (ctx: Ctx) => Frame } {
  const kind = rng.int(0, 15);
  const needsJoin = [3, 6, 7, 8, 9, 12, 13, 14, 15].includes(kind) || rng.chance(0.6);
  return { needsJoin, build: (ctx) => ({ ...makeFrame(rng, ctx, kind), needsJoin }) };
}

function makeFrame(rng: Rng, ctx: Ctx, kind: number): Omit<Frame, 'needsJoin'> & { needsJoin?: boolean } {
  const msg = (fields: Record<string, unknown>) => cbor.encode({ senderId: ctx.peer, targetId: ctx.relayId, documentId: ctx.docId, ...fields });
  const randomDocId = () => parseAutomergeUrl(generateAutomergeUrl()).documentId;
  const flip = (bytes: Uint8Array) => {
    const out = Uint8Array.from(bytes);
    for (let i = rng.int(1, 4); i > 0; i--) { const at = rng.int(0, out.length - 1); out[at] = (out[at] ?? 0) ^ (1 << rng.int(0, 7)); }
    return out;
  };
  switch (kind) {
    case 0:
      return { data: rng.bytes(rng.int(1, 300)), label: 'random bytes' };
    case 1:
      return { data: rng.pick(['', 'hello', '{"type":"join","senderId":"x"}', rng.string(200)]), label: 'text frame' };
    case 2:
      return { data: cbor.encode(randomValue(rng)), label: 'random CBOR' };
    case 3: {
      // a protocol message with one field of the wrong type or value
      const base: Record<string, unknown> = { type: rng.pick(['sync', 'request', 'ephemeral', 'doc-unavailable', 'join', 'peer', 'leave', 'remote-heads-changed']), data: ctx.syncData, sessionId: 's', count: 1 };
      const field = rng.pick(['type', 'senderId', 'targetId', 'documentId', 'data', 'count', 'sessionId']);
      base[field] = randomValue(rng, 2);
      return { data: msg(base), label: `wrong ${field}` };
    }
    case 4: {
      const m = rng.pick([msg({ type: 'sync', data: ctx.syncData }), msg({ type: 'request', data: ctx.syncData }), joinMessage(ctx.peer), msg({ type: 'sync', data: ctx.bigSync })]);
      return { data: m.slice(0, rng.int(0, m.length - 1)), label: 'truncated message' };
    }
    case 5:
      return { data: hugeDeclared(rng, ctx), label: 'huge declared length' };
    case 6:
      return { data: msg({ type: 'sync', data: flip(ctx.bigSync) }), label: 'corrupted sync data (changes)' };
    case 7:
      return { data: msg({ type: rng.pick(['sync', 'request']), data: flip(ctx.syncData), documentId: rng.chance(0.5) ? ctx.docId : randomDocId() }), label: 'corrupted sync data' };
    case 8:
      return { data: msg({ type: 'sync', data: ctx.bigSync, documentId: randomDocId() }), label: 'valid new document' };
    case 9:
      return { data: msg({ type: 'ephemeral', sessionId: rng.string(10), count: rng.int(0, 9), data: rng.chance(0.5) ? cbor.encode(randomValue(rng)) : rng.bytes(20) }), label: 'ephemeral' };
    case 10: {
      const meta = rng.pick([{}, { storageId: randomValue(rng, 3) }, { isEphemeral: 'yes' }, { storageId: '../../etc' }, { storageId: 'x'.repeat(500) }, randomValue(rng, 3)]);
      return { data: cbor.encode({ type: 'join', senderId: rng.pick([ctx.peer, rng.string(20), 'relay-x', '']), peerMetadata: meta, supportedProtocolVersions: rng.pick([['1'], [], ['2'], [1], 'x']) }), label: 'odd join' };
    }
    case 11: {
      const depth = rng.int(500, 200_000);
      return { data: new Uint8Array(depth).fill(rng.pick([0x81, 0xa1, 0xd8])), label: 'deep nesting' };
    }
    case 12:
      return { data: msg({ type: 'sync', data: ctx.syncData, senderId: rng.pick(['alice-phone', 'alice-laptop', 'bob-phone']) }), label: 'impersonation' };
    case 13:
      return { data: msg({ type: 'request', data: ctx.syncData, documentId: rng.chance(0.5) ? ctx.docId : randomDocId() }), label: 'valid request' };
    case 14:
      return { data: msg({ type: 'doc-unavailable', documentId: rng.chance(0.5) ? ctx.docId : randomDocId() }), label: 'doc-unavailable' };
    default:
      return { data: msg({ type: 'sync', data: ctx.syncData, targetId: rng.pick(['alice-phone', '', 'relay-' + '0'.repeat(24)]) }), label: 'wrong target' };
  }
}

/** An upgrade done by hand, then a WebSocket frame header announcing 2^63-1 bytes. */
async function hugeFrameHeader(port: number, tok: string): Promise<'closed'> {
  const sock = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', reject);
  });
  sock.on('error', () => {});
  sock.write(
    `GET /sync?token=${encodeURIComponent(tok)} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise<void>((resolve) => sock.once('data', () => resolve()));
  sock.write(Buffer.from([0x82, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 9, 9, 9]));
  await new Promise<void>((resolve) => sock.once('close', () => resolve())); // never closed: the test timeout's to catch
  return 'closed';
}

class Fuzzer {
  ws: WebSocket | null = null;
  joined = false;
  relayId = '';
  peers = 0;
  reconnects = 0;

  async socket(join: boolean): Promise<WebSocket> {
    if (this.ws && this.ws.readyState !== WebSocket.OPEN) this.ws = null;
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.joined === join) return this.ws;
    if (this.ws && this.ws.readyState === WebSocket.OPEN && !join && this.joined) this.ws.close();
    if (this.ws && this.ws.readyState === WebSocket.OPEN && join && !this.joined) {
      await this.join(this.ws);
      return this.ws;
    }
    this.reconnects++;
    const ws = await rawSocket(relay.url, token);
    ws.on('message', () => {}); // replies to valid requests: ignored
    this.ws = ws;
    this.joined = false;
    if (join) await this.join(ws);
    return ws;
  }

  async join(ws: WebSocket): Promise<void> {
    const peer = `fuzzer-${++this.peers}`;
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.once('close', (code: number) => reject(new Error(`closed (${code}) instead of answering a join`)));
      ws.once('message', (d: Buffer) => resolve(cbor.decode(d)));
    });
    ws.send(joinMessage(peer));
    const msg = await reply;
    this.relayId = String(msg.senderId);
    this.joined = true;
    this.currentPeer = peer;
  }

  currentPeer = '';

  /** Sends, then pings: 'kept' if the relay answers the ping, 'closed' if it closed the socket. */
  async send(ws: WebSocket, data: Uint8Array | string): Promise<'kept' | 'closed'> {
    // No deadline: a relay that neither answers nor closes is the test timeout's to catch.
    return new Promise((resolve) => {
      const done = (r: 'kept' | 'closed') => {
        ws.off('pong', onPong);
        ws.off('close', onClose);
        resolve(r);
      };
      const onPong = () => done('kept');
      const onClose = () => {
        this.joined = false;
        done('closed');
      };
      ws.on('pong', onPong);
      ws.on('close', onClose);
      ws.send(data, { binary: typeof data !== 'string' });
      ws.ping();
    });
  }
}

describe(`frame fuzzing (seed ${SEED})`, () => {
  it(`${FRAMES} random and mutated frames never crash the relay nor disturb other clients`, async () => {
    const rng = seededRng(SEED);
    // real sync data to mutate: a first message, and one carrying changes
    let doc = A.from<{ items: string[] }>({ items: ['a'] });
    for (let i = 0; i < 5; i++) doc = A.change(doc, (d) => void d.items.push(`x${i}`));
    const [, first] = A.generateSyncMessage(doc, A.initSyncState());
    const [, peerMsg] = A.generateSyncMessage(A.init(), A.initSyncState());
    const [, state2] = A.receiveSyncMessage(doc, A.initSyncState(), peerMsg!);
    const [, withChanges] = A.generateSyncMessage(doc, state2);
    const docId = parseAutomergeUrl(automergeUrl(workspaceUrl)).documentId;

    const fuzzer = new Fuzzer();
    const outcomes = new Map<string, { kept: number; closed: number }>();
    for (let i = 0; i < FRAMES; i++) {
      const pick = pickFrame(rng);
      const ws = await fuzzer.socket(pick.needsJoin);
      const ctx: Ctx = { relayId: fuzzer.relayId || 'relay-unknown', peer: fuzzer.currentPeer || 'fuzzer-0', docId, syncData: first!, bigSync: withChanges ?? first! };
      const frame = pick.build(ctx);
      const outcome = await fuzzer.send(ws, frame.data);
      // A frame the relay kept on a socket that had not joined may have joined it as someone:
      // start the next one from a known state.
      if (outcome === 'kept' && !frame.needsJoin) {
        ws.close();
        fuzzer.ws = null;
      }
      const o = outcomes.get(frame.label) ?? { kept: 0, closed: 0 };
      o[outcome]++;
      outcomes.set(frame.label, o);
    }
    const reasons = new Map<string, number>();
    for (const l of logs) {
      const m = /: (?:closed [^:]+: )?(.+?)(?: \(\d+\))?$/.exec(l.replace(/peer \S+/, 'peer'));
      if (m?.[1] && /closed|could not/.test(l)) reasons.set(m[1], (reasons.get(m[1]) ?? 0) + 1);
    }
    console.log(`[fuzz] outcomes ${JSON.stringify(Object.fromEntries(outcomes))}\n[fuzz] relay log reasons ${JSON.stringify(Object.fromEntries(reasons))}`);
    for (let i = 0; i < 3; i++) expect(await hugeFrameHeader(relay.port, token)).toBe('closed');
    fuzzer.ws?.close();

    // Every kind of frame was tried, and most bad ones cost their socket.
    expect(outcomes.size).toBeGreaterThanOrEqual(14);
    const closed = [...outcomes.values()].reduce((n, o) => n + o.closed, 0);
    expect(closed).toBeGreaterThan(FRAMES / 2);
    expect(fuzzer.reconnects).toBeGreaterThan(100);
    for (const label of ['random bytes', 'text frame', 'truncated message', 'impersonation', 'deep nesting']) {
      expect(outcomes.get(label)?.kept ?? 0, `${label} should always cost the socket`).toBe(0);
    }

    // The relay is up, and the other clients never noticed.
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    expect(disconnects).toBe(0);
    const ha = await a.repo.find<WorkspaceDoc>(automergeUrl(workspaceUrl));
    const hb = await b.repo.find<WorkspaceDoc>(automergeUrl(workspaceUrl));
    ha.change((d) => addPresetEntry(d, 'after-fuzzing', 'automerge:aaa'));
    await waitConverged(ha, hb);
    expect(hb.doc().presets['after-fuzzing']).toBeDefined();
    const ho = await other.repo.find<WorkspaceDoc>(automergeUrl(otherWorkspace));
    const fresh = connectClient(relay.url, token);
    try {
      const hf = await findOnRelay<WorkspaceDoc>(fresh, workspaceUrl);
      await waitConverged(ha, hf);
    } finally {
      await fresh.close();
    }
    expect(ho.doc().name).toBe('bob');
    const text = logs.join('\n');
    expect(text).not.toContain(token);
    expect(text).not.toMatch(/\[object Object\]|Uint8Array/); // nothing dumped raw
  });
});
