/**
 * Relay protocol v2 end to end over a real WebSocket: hello → welcome, put → ack after storing,
 * pull → entries → caught-up, then live entries to another socket of the account.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const { cleanups, tempRelay } = cleanupAfterEach();

async function setup() {
  const { relay, tmp } = await tempRelay('v2-core');
  const { token } = await relay.accounts.create('alice');
  const connect = async () => {
    const c = await V2Client.connect(relay.url, token);
    cleanups.push(() => c.client.close());
    return c;
  };
  return { relay, tmp, token, connect };
}

describe('relay protocol v2', () => {
  it('acknowledges a put with the next seq and sends it live to the account\'s other caught-up socket', async () => {
    const { connect } = await setup();
    const a = await connect();
    expect(a.welcome).toMatchObject({ t: 'welcome', keyId: null, workspace: null, head: 0, peers: 0 });
    const b = await connect();
    expect(b.welcome.peers).toBe(1);
    await b.client.pull(0);

    const doc = docId();
    const bytes = randomBytes(1000);
    const ack = await a.client.putAndWait(doc, chunkId(), bytes);
    expect(ack).toMatchObject({ t: 'ack', seq: 1 });
    const live = await b.client.until(() => b.client.chunks[0], 'the live entry');
    expect(live.seq).toBe(1);
    expect(Buffer.from(live.bytes).equals(bytes)).toBe(true);
    // The uploader does not get its own chunk back.
    expect(a.client.chunks).toHaveLength(0);
  });

  it('a pull\'s `first` document comes ahead of the log, alone in frames marked ahead; every other entry then follows once, in seq order', async () => {
    const { connect } = await setup();
    const a = await connect();
    const workspace = docId();
    const others = [docId(), docId()];
    // the workspace's chunks in the middle and at the end of the log, as edits leave them
    const order = [others[0]!, others[1]!, workspace, others[0]!, others[1]!, workspace];
    for (const doc of order) expect((await a.client.putAndWait(doc, chunkId(), randomBytes(100))).t).toBe('ack');
    const b = await connect();
    const { caughtUp, chunks } = await b.client.pull(1, [workspace]);
    expect(caughtUp).toBe(6);
    expect(chunks.map((c) => c.seq)).toEqual([3, 6, 2, 4, 5]);
    const entries = b.client.frames.flatMap((f) => (f.header.t === 'entries' ? [f.header] : []));
    expect(entries[0]).toMatchObject({ ahead: true, entries: [{ seq: 3, doc: workspace }, { seq: 6, doc: workspace }] });
    expect(entries.slice(1).every((h) => h.ahead === undefined && h.entries.every((e) => e.doc !== workspace))).toBe(true);
  });

  it('streams every stored entry after `since`, then caught-up', async () => {
    const { connect } = await setup();
    const a = await connect();
    const doc = docId();
    const sent = [randomBytes(10), randomBytes(20), randomBytes(30)];
    for (const bytes of sent) expect((await a.client.putAndWait(doc, chunkId(), bytes)).t).toBe('ack');
    const b = await connect();
    expect(b.welcome.head).toBe(3);
    const { caughtUp, chunks } = await b.client.pull(1);
    expect(caughtUp).toBe(3);
    expect(chunks.map((c) => c.seq)).toEqual([2, 3]);
    expect(chunks.map((c) => Buffer.from(c.bytes).toString('hex'))).toEqual(sent.slice(1).map((s) => s.toString('hex')));
  });
});

describe('relay protocol v2: catch-up and live', () => {
  it('a socket that pulls while another uploads gets every entry exactly once, in seq order, across caught-up', async () => {
    const { connect } = await setup();
    const writer = await connect();
    const doc = docId();
    const N = 300;
    const ids = Array.from({ length: N }, () => writer.client.put(doc, chunkId(), randomBytes(200)));
    // The reader starts pulling in the middle of the stream of puts.
    await writer.client.answer(ids[49] ?? 0);
    const reader = await connect();
    reader.client.send({ t: 'pull', since: 0 });
    const answers = await Promise.all(ids.map((id) => writer.client.answer(id)));
    expect(answers.every((a) => a.t === 'ack')).toBe(true);
    await reader.client.until(() => reader.client.chunks.some((c) => c.seq === N), 'the last entry');
    expect(reader.client.chunks.map((c) => c.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    const caughtUp = reader.client.frames.filter((f) => f.header.t === 'caught-up');
    expect(caughtUp).toHaveLength(1);
  });

  it('tells each socket how many other sockets of its account are connected', async () => {
    const { connect } = await setup();
    const a = await connect();
    const b = await connect();
    await a.client.next('presence', (p) => p.peers === 1);
    b.client.close();
    await a.client.next('presence', (p) => p.peers === 0, a.client.frames.length - 1);
  });

  it('set-key: the first claim of the account key wins, later claims learn it', async () => {
    const { connect, relay } = await setup();
    const a = await connect();
    const b = await connect();
    const workspace = `automerge:${docId()}`;
    a.client.send({ t: 'set-key', keyId: 'a'.repeat(32), workspace });
    expect(await a.client.next('key-set')).toMatchObject({ keyId: 'a'.repeat(32), workspace });
    b.client.send({ t: 'set-key', keyId: 'b'.repeat(32), workspace: `automerge:${docId()}` });
    expect(await b.client.next('key-set')).toMatchObject({ keyId: 'a'.repeat(32), workspace });
    const c = await connect();
    expect(c.welcome).toMatchObject({ keyId: 'a'.repeat(32), workspace });
    expect((await relay.accounts.list())[0]?.keyId).toBe('a'.repeat(32));
  });
});
