/**
 * 1,000 random and mutated frames on /sync (seeded; FUZZ_SEED=n to explore other seeds): random
 * bytes, text frames, headers of every JSON shape, valid frames with one field mutated, wrong
 * versions and lengths, truncations, bodies where none belong. None may crash the relay; each
 * frame either is accepted or closes its own socket with 4400 (the fuzzer then reconnects), and
 * the well-behaved sockets of the same account and of another account keep syncing undisturbed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, encodeFrame, type ClientHeader } from '../../shared/sync/protocol.ts';
import { startRelay, type Relay } from '../../server/relay.ts';
import { seededRng, type Rng } from '../helpers/prng.ts';
import { runCleanups, tempDir } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20251124);
const FRAMES = 1_000;

const tmp = tempDir('fuzz');
let relay: Relay;
let aliceToken: string;
let bobToken: string;
let a: V2Client;
let b: V2Client;
let other: V2Client;

beforeAll(async () => {
  relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {} });
  aliceToken = (await relay.accounts.create('alice')).token;
  bobToken = (await relay.accounts.create('bob')).token;
  a = (await V2Client.connect(relay.url, aliceToken)).client;
  b = (await V2Client.connect(relay.url, aliceToken)).client;
  other = (await V2Client.connect(relay.url, bobToken)).client;
  for (const c of [a, b, other]) await c.pull(0);
});

afterAll(() => runCleanups([tmp.remove, () => relay?.close(), () => a?.close(), () => b?.close(), () => other?.close()]));

function randomJson(rng: Rng, depth = 0): unknown {
  switch (rng.int(0, depth > 2 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, 4294967296]);
    case 3:
      return rng.string(40);
    case 4:
      return rng.pick(['hello', 'put', 'pull', 'eph', 'set-key', 'change', 'snapshot', docId(), chunkId(), '../x', '']);
    case 5:
      return [];
    case 6:
      return Array.from({ length: rng.int(0, 4) }, () => randomJson(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.int(0, 5); i > 0; i--) o[rng.pick(['t', 'id', 'doc', 'chunk', 'kind', 'size', 'offset', 'covers', 'since', 'keyId', 'workspace', '__proto__', rng.string(6)])] = randomJson(rng, depth + 1);
      return o;
    }
  }
}

function validHeader(rng: Rng): ClientHeader {
  switch (rng.int(0, 3)) {
    case 0:
      return { t: 'pull', since: rng.int(0, 50) };
    case 1:
      return { t: 'eph', doc: docId() };
    case 2:
      return { t: 'set-key', keyId: 'c'.repeat(32), workspace: `automerge:${docId()}` };
    default:
      return { t: 'put', id: rng.int(0, 1000), doc: docId(), chunk: chunkId(), kind: 'change', size: 8, offset: 0 };
  }
}

function rawFrame(head: Uint8Array, body: Uint8Array, version = 2, declared = head.length): Uint8Array {
  const out = new Uint8Array(5 + head.length + body.length);
  out[0] = version;
  new DataView(out.buffer).setUint32(1, declared >>> 0);
  out.set(head, 5);
  out.set(body, 5 + head.length);
  return out;
}

/** One fuzzed frame: bytes, or a string (a text frame). */
function fuzzFrame(rng: Rng): Uint8Array | string {
  const enc = new TextEncoder();
  switch (rng.int(0, 7)) {
    case 0:
      return rng.bytes(rng.int(0, 200));
    case 1:
      return JSON.stringify(randomJson(rng));
    case 2:
      return rawFrame(enc.encode(JSON.stringify(randomJson(rng))), rng.bytes(rng.int(0, 3) === 0 ? 16 : 0));
    case 3: {
      // A valid header with one field replaced by something random.
      const h = validHeader(rng) as Record<string, unknown>;
      const keys = Object.keys(h);
      h[rng.pick(keys)] = randomJson(rng);
      return rawFrame(enc.encode(JSON.stringify(h)), h.t === 'put' ? rng.bytes(8) : new Uint8Array());
    }
    case 4: {
      const f = encodeFrame(validHeader(rng), rng.bytes(8));
      return f.subarray(0, rng.int(0, f.length - 1)); // truncated
    }
    case 5:
      return rawFrame(enc.encode(JSON.stringify(validHeader(rng))), new Uint8Array(), rng.pick([0, 1, 3, 255]));
    case 6:
      return rawFrame(enc.encode(JSON.stringify(validHeader(rng))), new Uint8Array(), 2, rng.pick([0, 1, 2 ** 32 - 1, 1 << 20]));
    default: {
      const h = validHeader(rng);
      // Valid frames, with a body only a put may carry.
      return encodeFrame(h, h.t === 'put' ? rng.bytes(8) : h.t === 'eph' ? rng.bytes(rng.int(0, 64)) : rng.bytes(rng.int(1, 4)));
    }
  }
}

describe(`frame fuzzing (seed ${SEED})`, () => {
  it(`${FRAMES} random and mutated frames never crash the relay nor disturb other sockets`, async () => {
    const rng = seededRng(SEED);
    let fuzzer: V2Client | null = null;
    let closes = 0;
    const unexpected: number[] = [];
    for (let i = 0; i < FRAMES; i++) {
      if (!fuzzer) fuzzer = (await V2Client.connect(relay.url, aliceToken)).client;
      const f: V2Client = fuzzer;
      const frame = fuzzFrame(rng);
      f.ws.send(frame);
      // A pull after every frame: its caught-up says the socket survived; else it closed.
      const mark = f.frames.length;
      f.send({ t: 'pull', since: 1_000_000 });
      const alive = await f.next('caught-up', () => true, mark).then(
        () => true,
        () => false,
      );
      if (!alive) {
        const { code } = await f.closed;
        if (code !== CLOSE.badFrame) unexpected.push(code);
        closes++;
        fuzzer = null;
      }
    }
    fuzzer?.close();
    expect(unexpected).toEqual([]);
    expect(closes).toBeGreaterThan(FRAMES / 4);

    // The well-behaved sockets were never disconnected and still sync, both accounts.
    for (const c of [a, b, other]) expect(c.ws.readyState).toBe(c.ws.OPEN);
    const before = b.chunks.length;
    expect((await a.putAndWait(docId(), chunkId(), new Uint8Array([1, 2, 3]))).t).toBe('ack');
    await b.until(() => b.chunks.length > before, 'the live entry');
    expect((await other.putAndWait(docId(), chunkId(), new Uint8Array([4]))).t).toBe('ack');
  });
});
