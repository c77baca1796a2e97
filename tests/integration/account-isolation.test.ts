/**
 * One account can neither read, change nor detect another account's chunks, even using the
 * same document and chunk ids: each account has its own log (own seqs, own dedupe, own covers),
 * and its sockets hear nothing of the other account (entries, eph, presence).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const { cleanups, tempRelay } = cleanupAfterEach();

async function aliceAndMallory() {
  const { relay } = await tempRelay('isolation');
  const alice = await relay.accounts.create('alice');
  const mallory = await relay.accounts.create('mallory');
  const connect = async (token: string) => {
    const c = await V2Client.connect(relay.url, token);
    cleanups.push(() => c.client.close());
    return c;
  };
  return { relay, alice, mallory, connect };
}

describe('account isolation', () => {
  it("another account's token reads none of an account's chunks and cannot replace or drop them", async () => {
    const { alice, mallory, connect } = await aliceAndMallory();
    const a = (await connect(alice.token)).client;
    const doc = docId();
    const chunk = chunkId();
    const secret = randomBytes(300);
    expect(await a.putAndWait(doc, chunk, secret)).toMatchObject({ t: 'ack', seq: 1 });

    const m = await connect(mallory.token);
    expect(m.welcome).toMatchObject({ head: 0, peers: 0 });
    expect((await m.client.pull(0)).chunks).toEqual([]);
    // Same ids on mallory's side: a new chunk of mallory's own log, not a duplicate of alice's.
    expect(await m.client.putAndWait(doc, chunk, randomBytes(300))).toMatchObject({ t: 'ack', seq: 1 });
    expect(m.client.frames.some((f) => f.header.t === 'ack' && f.header.duplicate)).toBe(false);
    // Covering alice's chunk is refused as unknown (mallory's own copy aside).
    expect(await m.client.putAndWait(doc, chunkId(), randomBytes(10), { kind: 'snapshot', covers: [chunkId()] })).toMatchObject({ t: 'nack', code: 'bad-covers' });

    const a2 = (await connect(alice.token)).client;
    const { chunks } = await a2.pull(0);
    expect(chunks).toHaveLength(1);
    expect(Buffer.from(chunks[0]?.bytes ?? []).equals(secret)).toBe(true);
  });

  it("an account's sockets get nothing of another account: entries, eph or presence", async () => {
    const { alice, mallory, connect } = await aliceAndMallory();
    const a = (await connect(alice.token)).client;
    await a.pull(0);
    const m = await connect(mallory.token);
    expect(m.welcome.peers).toBe(0);
    await m.client.pull(0);
    const m2 = (await connect(mallory.token)).client;
    await m2.pull(0);
    m.client.send({ t: 'eph' }, randomBytes(20));
    expect((await m.client.putAndWait(docId(), chunkId(), randomBytes(20))).t).toBe('ack');
    // Mallory's other socket got both; alice's socket heard of neither, nor of mallory's sockets.
    await m2.until(() => m2.chunks.length === 1 && m2.frames.some((f) => f.header.t === 'eph'), "mallory's entry and eph");
    const b = (await connect(alice.token)).client;
    await a.next('presence', (p) => p.peers === 1);
    expect(a.chunks).toEqual([]);
    expect(a.frames.some((f) => f.header.t === 'eph')).toBe(false);
    expect(a.frames.filter((f) => f.header.t === 'presence').map((f) => (f.header.t === 'presence' ? f.header.peers : -1))).toEqual([0, 1]);
    b.close();
  });
});
