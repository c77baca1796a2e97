/**
 * Several relays on one PostgreSQL database (DATABASE_URL), over real WebSockets: a chunk
 * uploaded through one relay reaches the account's devices on another at once; seqs stay
 * gap-free under concurrent uploads through both; with the database down, uploads are refused
 * with a retryable nack, and once it is back both relays take uploads and fan out again by
 * themselves.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pgClusterPerFile } from '../helpers/pg-cluster-per-file.ts';
import { CLOSE } from '../../shared/sync/protocol.ts';
import { cleanupAfterEach, tempDir } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const { cleanups, tempRelay } = cleanupAfterEach();
const db = pgClusterPerFile();

async function twoRelays() {
  const databaseUrl = db.database('relays');
  const one = (await tempRelay('pg-relay-1', { databaseUrl })).relay;
  const two = (await tempRelay('pg-relay-2', { databaseUrl })).relay;
  const { token } = await one.accounts.create('alice');
  const connect = async (relay: typeof one) => {
    const c = await V2Client.connect(relay.url, token);
    cleanups.push(() => c.client.close());
    return c;
  };
  return { one, two, token, connect };
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `npm run account -- …` with DATABASE_URL (and a DATA_DIR it must not need). */
function cli(databaseUrl: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tmp = tempDir('pg-cli');
  cleanups.push(tmp.remove);
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/account-cli.ts', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: tmp.dir } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('relays sharing one database', () => {
  it('npm run account works against the database: a token it adds works on every relay at once, and a rotation closes its sockets on every relay', async () => {
    const databaseUrl = db.database('cli');
    const one = (await tempRelay('pg-cli-1', { databaseUrl })).relay;
    const two = (await tempRelay('pg-cli-2', { databaseUrl })).relay;
    const added = await cli(databaseUrl, 'add', 'carol');
    expect(added.code, added.stderr).toBe(0);
    const token = added.stdout.trim().split('\n').at(-1) ?? '';
    const a = await V2Client.connect(one.url, token);
    const b = await V2Client.connect(two.url, token);
    cleanups.push(() => a.client.close(), () => b.client.close());
    expect(a.welcome.account).toBe(b.welcome.account);
    const listed = await cli(databaseUrl, 'list');
    expect(listed.stdout).toContain('carol');
    const rotated = await cli(databaseUrl, 'rotate', 'carol');
    expect(rotated.code, rotated.stderr).toBe(0);
    expect((await a.client.closed).code).toBe(CLOSE.tokenRefused);
    expect((await b.client.closed).code).toBe(CLOSE.tokenRefused);
  });


  it("delivers a chunk uploaded through one relay live to the account's device on another", async () => {
    const { one, two, connect } = await twoRelays();
    const a = await connect(one);
    const b = await connect(two);
    await b.client.pull(0);
    const bytes = randomBytes(3 * 1024 * 1024 + 5); // several parts
    expect(await a.client.putAndWait(docId(), chunkId(), bytes)).toMatchObject({ t: 'ack', seq: 1 });
    const live = await b.client.until(() => b.client.chunks[0], 'the chunk from the other relay');
    expect(live.seq).toBe(1);
    expect(Buffer.from(live.bytes).equals(bytes)).toBe(true);
    // And back: relay 1's device gets what relay 2's device uploads.
    await a.client.pull(1);
    const back = randomBytes(100);
    expect(await b.client.putAndWait(docId(), chunkId(), back)).toMatchObject({ t: 'ack', seq: 2 });
    const got = await a.client.until(() => a.client.chunks[0], 'the chunk back');
    expect(Buffer.from(got.bytes).equals(back)).toBe(true);
  });

  it("passes an ephemeral message from a device on one relay to the account's devices on the other, and never to another account", async () => {
    const { one, two, connect } = await twoRelays();
    const a = await connect(one);
    const b = await connect(two);
    const { token: otherToken } = await two.accounts.create('mallory');
    const m = await V2Client.connect(two.url, otherToken);
    cleanups.push(() => m.client.close());
    const doc = docId();
    const body = randomBytes(2000);
    a.client.send({ t: 'eph', doc }, body);
    const got = await b.client.until(() => b.client.frames.find((f) => f.header.t === 'eph'), 'the ephemeral message from the other relay');
    expect(got.header).toMatchObject({ t: 'eph', doc });
    expect(Buffer.from(got.body).equals(body)).toBe(true);
    // And the other way; the sender never gets its own message back.
    b.client.send({ t: 'eph' }, randomBytes(10));
    await a.client.until(() => a.client.frames.find((f) => f.header.t === 'eph'), 'the answer');
    expect(b.client.frames.filter((f) => f.header.t === 'eph')).toHaveLength(1);
    // Another account's socket on the same relay heard nothing: a put it makes arrives after
    // everything sent before it, and still no eph.
    await m.client.putAndWait(docId(), chunkId(), randomBytes(5));
    expect(m.client.frames.some((f) => f.header.t === 'eph')).toBe(false);
  });

  it('keeps seqs gap-free and ordered under concurrent uploads through both relays, and every device gets each entry once in seq order', async () => {
    const { one, two, connect } = await twoRelays();
    const a = await connect(one);
    const b = await connect(two);
    const watcher = await connect(two);
    await watcher.client.pull(0);
    const doc = docId();
    const acks = await Promise.all([
      ...Array.from({ length: 20 }, () => a.client.putAndWait(doc, chunkId(), randomBytes(500))),
      ...Array.from({ length: 20 }, () => b.client.putAndWait(doc, chunkId(), randomBytes(500))),
    ]);
    const seqs = acks.map((r) => (r.t === 'ack' ? r.seq : -1)).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await watcher.client.until(() => watcher.client.chunks.length >= 40, 'all 40 chunks');
    expect(watcher.client.chunks.map((c) => c.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // A device new on relay 1 pulls the same log.
    const late = await connect(one);
    expect(late.welcome.head).toBe(40);
    const { chunks } = await late.client.pull(0);
    expect(chunks.map((c) => c.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('refuses uploads with a retryable nack while the database is down; once it is back, uploads are acked and fan out across relays again', async () => {
    const { one, two, connect } = await twoRelays();
    const a = await connect(one);
    const b = await connect(two);
    await b.client.pull(0);
    const first = randomBytes(200);
    expect(await a.client.putAndWait(docId(), chunkId(), first)).toMatchObject({ t: 'ack', seq: 1 });
    await b.client.until(() => b.client.chunks[0], 'the first chunk');

    await db.cluster().stop();
    let refused;
    try {
      refused = await a.client.putAndWait(docId(), chunkId(), randomBytes(50));
    } finally {
      await db.cluster().start();
    }
    expect(refused).toMatchObject({ t: 'nack', code: 'unavailable', retryable: true });

    // The same sockets go on: the relays reconnect to the database by themselves.
    const second = randomBytes(300);
    expect(await a.client.putAndWait(docId(), chunkId(), second)).toMatchObject({ t: 'ack', seq: 2 });
    const live = await b.client.until(() => b.client.chunks[1], 'the chunk after the database came back');
    expect(live.seq).toBe(2);
    expect(Buffer.from(live.bytes).equals(second)).toBe(true);
    const { chunks } = await (await connect(two)).client.pull(0);
    expect(chunks.map((c) => Buffer.from(c.bytes).toString('hex'))).toEqual([first, second].map((x) => x.toString('hex')));
  });
});
