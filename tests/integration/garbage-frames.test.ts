/**
 * A client sending garbage loses its own socket (close 4400 with an error frame) and nothing
 * else: the relay stays up and the account's other socket keeps syncing without interruption.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE, encodeFrame, MAX_HEADER_BYTES } from '../../shared/sync/protocol.ts';
import { startRelay, type Relay } from '../../server/relay.ts';
import { runCleanups, tempDir } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const tmp = tempDir('garbage');
let relay: Relay;
let token: string;
let good: V2Client;
let peer: V2Client;

beforeAll(async () => {
  relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {}, helloTimeoutMs: 60_000 });
  token = (await relay.accounts.create('alice')).token;
  good = (await V2Client.connect(relay.url, token)).client;
  peer = (await V2Client.connect(relay.url, token)).client;
  await peer.pull(0);
});

afterAll(() => runCleanups([tmp.remove, () => relay?.close(), () => good?.close(), () => peer?.close()]));

function header(json: string): Uint8Array {
  const head = Buffer.from(json);
  const out = Buffer.alloc(5 + head.length);
  out[0] = 2;
  out.writeUInt32BE(head.length, 1);
  head.copy(out, 5);
  return out;
}

const doc = docId();
const GARBAGE: [string, (send: (data: Uint8Array | string) => void) => void][] = [
  ['a text frame', (send) => send('{"t":"pull","since":0}')],
  ['random bytes', (send) => send(randomBytes(64))],
  ['an unknown protocol version', (send) => send(Uint8Array.of(1, 0, 0, 0, 2, 123, 125))],
  ['a header length past the frame', (send) => send(Uint8Array.of(2, 0, 0, 9, 0, 123, 125))],
  ['a header that is not JSON', (send) => send(header('{nope'))],
  ['an unknown frame type', (send) => send(header('{"t":"drop-all"}'))],
  ['a put with a negative offset', (send) => send(header(JSON.stringify({ t: 'put', id: 1, doc, chunk: chunkId(), kind: 'change', size: 4, offset: -1 })))],
  ['a document id that could name a path', (send) => send(header(JSON.stringify({ t: 'put', id: 1, doc: '../../etc', chunk: chunkId(), kind: 'change', size: 1, offset: 0 })))],
  ['a part past its chunk size', (send) => send(encodeFrame({ t: 'put', id: 1, doc, chunk: chunkId(), kind: 'change', size: 2, offset: 0 }, randomBytes(3)))],
  ['a pull with a body', (send) => send(encodeFrame({ t: 'pull', since: 0 }, randomBytes(3)))],
  ['a second hello', (send) => send(encodeFrame({ t: 'hello', protocol: 2, token }))],
  ['a key id of non-ASCII characters (quoted in the reason)', (send) => send(header(JSON.stringify({ t: 'set-key', keyId: 'é😀\n'.repeat(40), workspace: `automerge:${doc}` })))],
  ['a header over the limit', (send) => send(header(`{"t":"eph","x":"${'a'.repeat(MAX_HEADER_BYTES)}"}`))],
];

describe('garbage on an authenticated socket', () => {
  for (const [what, sendGarbage] of GARBAGE) {
    it(`${what} closes that socket with 4400 and an error frame, and the account's other socket keeps syncing`, async () => {
      const bad = (await V2Client.connect(relay.url, token)).client;
      sendGarbage((d) => bad.ws.send(d));
      const closed = await bad.closed;
      expect(closed.code).toBe(CLOSE.badFrame);
      expect(bad.frames.at(-1)?.header).toMatchObject({ t: 'error', code: CLOSE.badFrame });
      const before = peer.chunks.length;
      expect((await good.putAndWait(docId(), chunkId(), randomBytes(32))).t).toBe('ack');
      await peer.until(() => peer.chunks.length > before, 'the live entry at the other socket');
      expect(good.ws.readyState).toBe(good.ws.OPEN);
    });
  }

  it('a frame before hello closes the socket with 4400 without authenticating anything', async () => {
    const bad = await V2Client.open(relay.url);
    bad.send({ t: 'pull', since: 0 });
    expect((await bad.closed).code).toBe(CLOSE.badFrame);
    expect(bad.frames.some((f) => f.header.t === 'entries' || f.header.t === 'welcome')).toBe(false);
  });
});
