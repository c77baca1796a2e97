/**
 * What the relay stores and serves: duplicates once, large chunks in parts both ways,
 * compaction (covers), recovery of dropped chunks, and ephemeral messages never stored.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PART_BYTES } from '../../shared/sync/protocol.ts';
import { FilesChunkStore } from '../../server/chunk-store/files-store.ts';
import { cleanupAfterEach, waitFor } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const { cleanups, tempRelay } = cleanupAfterEach();

async function setup() {
  const { relay, tmp } = await tempRelay('v2-chunks');
  const { token, account } = await relay.accounts.create('alice');
  const connect = async () => {
    const c = await V2Client.connect(relay.url, token);
    cleanups.push(() => c.client.close());
    return c.client;
  };
  return { relay, dataDir: tmp.dir, account, connect };
}

/** Every file under `dir`, read whole. */
async function allFiles(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(await fsp.readFile(path.join(e.parentPath, e.name)));
  }
  return out;
}

describe('relay v2: chunks', () => {
  it('stores a duplicate put once and answers it with the first seq', async () => {
    const { connect } = await setup();
    const a = await connect();
    const doc = docId();
    const chunk = chunkId();
    const bytes = randomBytes(500);
    expect(await a.putAndWait(doc, chunk, bytes)).toMatchObject({ t: 'ack', seq: 1 });
    const again = await a.putAndWait(doc, chunk, bytes);
    expect(again).toMatchObject({ t: 'ack', seq: 1, duplicate: true });
    const b = await connect();
    const { chunks, caughtUp } = await b.pull(0);
    expect(caughtUp).toBe(1);
    expect(chunks.map((c) => c.seq)).toEqual([1]);
  });

  it('takes a chunk larger than a part in parts and serves it back in parts, byte for byte', async () => {
    const { connect } = await setup();
    const a = await connect();
    const bytes = randomBytes(2 * PART_BYTES + 12345);
    expect(await a.putAndWait(docId(), chunkId(), bytes, { kind: 'snapshot' })).toMatchObject({ t: 'ack', seq: 1 });
    const b = await connect();
    const { chunks } = await b.pull(0);
    expect(chunks).toHaveLength(1);
    expect(Buffer.from(chunks[0]?.bytes ?? []).equals(bytes)).toBe(true);
    const parts = b.frames.flatMap((f) => (f.header.t === 'entries' ? f.header.entries : []));
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.every((p) => p.len <= PART_BYTES)).toBe(true);
  });

  it('drops the chunks a snapshot covers from pulls, nacks bad covers, and an operator can recover them within the grace period', async () => {
    const { connect, relay, dataDir, account } = await setup();
    const a = await connect();
    const doc = docId();
    const other = docId();
    const [c1, c2, c3, foreign] = [chunkId(), chunkId(), chunkId(), chunkId()];
    for (const c of [c1, c2, c3]) expect((await a.putAndWait(doc, c, randomBytes(100))).t).toBe('ack');
    expect((await a.putAndWait(other, foreign, randomBytes(100))).t).toBe('ack');

    // Another document's chunk, or an id the relay never had: refused, nothing dropped.
    expect(await a.putAndWait(doc, chunkId(), randomBytes(50), { kind: 'snapshot', covers: [c1, foreign] })).toMatchObject({ t: 'nack', code: 'bad-covers', retryable: false });
    expect(await a.putAndWait(doc, chunkId(), randomBytes(50), { kind: 'snapshot', covers: [chunkId()] })).toMatchObject({ t: 'nack', code: 'bad-covers' });

    const snap = chunkId();
    expect(await a.putAndWait(doc, snap, randomBytes(300), { kind: 'snapshot', covers: [c1, c2] })).toMatchObject({ t: 'ack', seq: 5 });
    const b = await connect();
    expect((await b.pull(0)).chunks.map((c) => c.chunk)).toEqual([c3, foreign, snap]);
    b.close();
    a.close();

    // Recovery is an operator's act on the account's log (the relay has closed it: no sockets).
    await waitFor(async () => (await relay.stats()).accounts.length === 0, 'the account to close');
    const log = await new FilesChunkStore({ dataDir }).open(account.id);
    expect(await log.recover()).toBe(2);
    await log.close();

    const c = await connect();
    const { chunks } = await c.pull(5);
    expect(chunks.map((x) => x.chunk).sort()).toEqual([c1, c2].sort());
    expect(chunks.map((x) => x.seq)).toEqual([6, 7]);
  });

  it('forwards an ephemeral message to the account\'s other sockets, with the sender\'s connection id, and never stores it', async () => {
    const { connect, dataDir } = await setup();
    const a = await connect();
    const b = await connect();
    const c = await connect();
    await a.next('presence', (p) => p.peers === 2);
    const body = randomBytes(700);
    const doc = docId();
    a.send({ t: 'eph', doc }, body);
    const atB = await b.until(() => b.frames.find((f) => f.header.t === 'eph'), 'eph at b');
    const atC = await c.until(() => c.frames.find((f) => f.header.t === 'eph'), 'eph at c');
    for (const f of [atB, atC]) {
      expect(f.header).toMatchObject({ t: 'eph', doc });
      expect(Buffer.from(f.body).equals(body)).toBe(true);
    }
    expect(atB.header.t === 'eph' && atC.header.t === 'eph' && atB.header.from === atC.header.from).toBe(true);
    // A put after it is acked at seq 1: the eph took no seq and no byte on disk.
    expect(await a.putAndWait(doc, chunkId(), randomBytes(10))).toMatchObject({ t: 'ack', seq: 1 });
    expect(a.frames.some((f) => f.header.t === 'eph')).toBe(false);
    for (const file of await allFiles(dataDir)) expect(file.includes(body.subarray(0, 64))).toBe(false);
  });
});
