/**
 * The relay under abuse: refused tokens, no hello, too many sockets, quota, one account's flood
 * against another account's put (fairness), a flood of large parts (bytes in flight stay under
 * the cap), and a full disk (a clear refusal, nothing acknowledged lost).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLOSE, PART_BYTES } from '../../shared/sync/protocol.ts';
import type { AccountLog, ChunkStore } from '../../server/chunk-store/chunk-store.ts';
import { isUpload } from '../../server/chunk-store/chunk-store.ts';
import { FilesChunkStore } from '../../server/chunk-store/files-store.ts';
import { startRelay } from '../../server/relay.ts';
import { cleanupAfterEach, tempDir, waitFor } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const { cleanups, tempRelay } = cleanupAfterEach();

function track(c: V2Client): V2Client {
  cleanups.push(() => c.close());
  return c;
}

/** Delegates everything to `log`, with part writes passing through `write`. */
function wrapLog(log: AccountLog, write: (part: Uint8Array, next: (p: Uint8Array) => Promise<void>) => Promise<void>): AccountLog {
  return {
    accountId: log.accountId,
    head: () => log.head(),
    bytesUsed: () => log.bytesUsed(),
    entriesAfter: (since, limit) => log.entriesAfter(since, limit),
    read: (e, offset, len) => log.read(e, offset, len),
    readInto: (e, offset, len, target, at) => log.readInto(e, offset, len, target, at),
    onDurable: (l) => log.onDurable(l),
    recover: (doc) => log.recover(doc),
    reclaim: () => log.reclaim(),
    close: () => log.close(),
    begin(meta) {
      const r = log.begin(meta);
      if (!isUpload(r)) return r;
      return { write: (part) => write(part, (p) => r.write(p)), commit: () => r.commit(), abort: () => r.abort() };
    },
  };
}

/** A chunk store whose part writes wait for `open()` (a slow disk, released by the test). */
function gatedStore(inner: ChunkStore): { store: ChunkStore; open: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return {
    store: { open: async (id: string) => wrapLog(await inner.open(id), async (part, next) => (await gate, next(part))) },
    open: () => release(),
  };
}

/** A chunk store where one account's part writes complete one at a time, when the test says. */
function steppedStore(
  inner: ChunkStore,
  slowAccount: () => string,
): { store: ChunkStore; held: () => number; step: () => void; started: string[] } {
  const held: (() => void)[] = [];
  /** the account of every write, in the order the relay started them */
  const started: string[] = [];
  return {
    started,
    store: {
      open: async (id: string) =>
        wrapLog(await inner.open(id), async (part, next) => {
          started.push(id);
          if (id === slowAccount()) await new Promise<void>((r) => held.push(r));
          return next(part);
        }),
    },
    held: () => held.length,
    step: () => held.shift()?.(),
  };
}

describe('relay v2: refusals', () => {
  it('refuses an unknown token and a revoked one with 4401 and an error frame', async () => {
    const { relay } = await tempRelay('v2-tokens');
    const { token } = await relay.accounts.create('alice');
    const guess = track(await V2Client.open(relay.url));
    guess.send({ t: 'hello', protocol: 2, token: 'x'.repeat(43) });
    expect((await guess.closed).code).toBe(CLOSE.tokenRefused);
    expect(guess.frames[0]?.header).toMatchObject({ t: 'error', code: CLOSE.tokenRefused });

    const live = track((await V2Client.connect(relay.url, token)).client);
    await relay.accounts.rotate('alice');
    // The socket using the rotated token is closed, and the token no longer opens one.
    expect((await live.closed).code).toBe(CLOSE.tokenRefused);
    const again = track(await V2Client.open(relay.url));
    again.send({ t: 'hello', protocol: 2, token });
    expect((await again.closed).code).toBe(CLOSE.tokenRefused);
  });

  it('closes a socket that sends no hello with 4408', async () => {
    const { relay } = await tempRelay('v2-hello', { helloTimeoutMs: 50 });
    const silent = track(await V2Client.open(relay.url));
    expect((await silent.closed).code).toBe(CLOSE.helloTimeout);
  });

  it('keeps a socket whose hello came in time while its account takes longer than the hello timeout to open', async () => {
    const tmp = tempDir('v2-slow-open');
    cleanups.push(tmp.remove);
    const files = new FilesChunkStore({ dataDir: tmp.dir });
    let timedOut: Promise<unknown> = Promise.resolve();
    // The account's log opens only once a socket that connected later than the greeted one was
    // closed for saying no hello: the greeted socket's hello timeout has passed by then too.
    const store: ChunkStore = { open: async (id) => (await timedOut, files.open(id)) };
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {}, helloTimeoutMs: 50, chunkStore: store });
    cleanups.push(() => relay.close());
    const { token } = await relay.accounts.create('alice');
    const greeted = track(await V2Client.open(relay.url));
    const silent = track(await V2Client.open(relay.url));
    timedOut = silent.closed;
    greeted.send({ t: 'hello', protocol: 2, token });
    expect((await silent.closed).code).toBe(CLOSE.helloTimeout);
    expect((await greeted.next('welcome')).head).toBe(0);
  });

  it('refuses a socket past the account\'s connection limit with 4429', async () => {
    const { relay } = await tempRelay('v2-cap', { limits: { maxConnectionsPerAccount: 2 } });
    const { token } = await relay.accounts.create('alice');
    for (let i = 0; i < 2; i++) track((await V2Client.connect(relay.url, token)).client);
    const third = track(await V2Client.open(relay.url));
    third.send({ t: 'hello', protocol: 2, token });
    expect((await third.closed).code).toBe(CLOSE.tooManyConnections);
  });

  it('nacks a put past the account quota and keeps serving what is stored', async () => {
    const { relay } = await tempRelay('v2-quota', { limits: { maxAccountBytes: 64 * 1024 } });
    const { token } = await relay.accounts.create('alice');
    const a = track((await V2Client.connect(relay.url, token)).client);
    const doc = docId();
    expect((await a.putAndWait(doc, chunkId(), randomBytes(10_000))).t).toBe('ack');
    expect(await a.putAndWait(doc, chunkId(), randomBytes(60_000))).toMatchObject({ t: 'nack', code: 'quota', retryable: false });
    const b = track((await V2Client.connect(relay.url, token)).client);
    expect((await b.pull(0)).chunks.map((c) => c.seq)).toEqual([1]);
  });
});

describe('relay v2: one account cannot starve or swell the relay', () => {
  it('runs another account\'s put ahead of the disk work one account has queued (round-robin)', async () => {
    const tmp = tempDir('v2-fair');
    cleanups.push(tmp.remove);
    let slow = '';
    const disk = steppedStore(new FilesChunkStore({ dataDir: tmp.dir }), () => slow);
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {}, chunkStore: disk.store });
    cleanups.push(() => relay.close());
    const alice = await relay.accounts.create('alice');
    const bob = await relay.accounts.create('bob');
    slow = alice.account.id;
    const flood = track((await V2Client.connect(relay.url, alice.token)).client);
    const doc = docId();
    const ids = Array.from({ length: 300 }, () => flood.put(doc, chunkId(), randomBytes(4096)));
    // Alice's writes fill the disk's two slots and the other 298 wait in the relay's queue.
    await waitFor(async () => disk.held() === 2 && (await relay.stats()).diskTasksWaiting === 298, "alice's writes to be queued");
    const b = track((await V2Client.connect(relay.url, bob.token)).client);
    const answer = b.answer(b.put(docId(), chunkId(), randomBytes(1000)));
    await waitFor(async () => (await relay.stats()).diskTasksWaiting === 299, "bob's write to be queued");
    // Alice's disk completes one write at a time; Bob's write needs only a free slot and its turn.
    const bobStarted = () => disk.started.includes(bob.account.id);
    let steps = 0;
    while (!bobStarted()) {
      disk.step();
      steps++;
      await waitFor(() => bobStarted() || disk.held() === 2, "bob's write or alice's next one to start");
    }
    expect((await answer).t).toBe('ack');
    expect(steps).toBeLessThanOrEqual(2);
    slow = '';
    while (disk.held() > 0) disk.step();
    const answers = await Promise.all(ids.map((i) => flood.answer(i)));
    expect(answers.every((a) => a.t === 'ack')).toBe(true);
  });

  it('pauses an account flooding large parts: its bytes in flight never pass the cap, and every chunk is stored', async () => {
    const tmp = tempDir('v2-memory');
    cleanups.push(tmp.remove);
    const cap = 8 * 1024 * 1024;
    const gated = gatedStore(new FilesChunkStore({ dataDir: tmp.dir }));
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {}, chunkStore: gated.store, maxBytesInFlight: cap });
    cleanups.push(() => relay.close());
    const { token } = await relay.accounts.create('alice');
    const a = track((await V2Client.connect(relay.url, token)).client);
    const doc = docId();
    const ids = Array.from({ length: 24 }, () => a.put(doc, chunkId(), randomBytes(2 * PART_BYTES)));
    // The disk holds every write until the relay has paused the account.
    await waitFor(async () => (await relay.stats()).accounts[0]?.paused === true, 'the account to be paused');
    gated.open();
    const answers = await Promise.all(ids.map((id) => a.answer(id)));
    expect(answers.every((x) => x.t === 'ack')).toBe(true);
    const stats = (await relay.stats()).accounts[0];
    expect(stats?.maxBytesInFlight).toBeGreaterThan(cap / 2);
    expect(stats?.maxBytesInFlight).toBeLessThanOrEqual(cap);
    expect(stats?.bytesInFlight).toBe(0);
  });
});

describe('relay v2: full disk', () => {
  it('refuses puts clearly (nack unavailable, retryable) while the disk is full, loses nothing acked, and takes puts again after', async () => {
    const tmp = tempDir('v2-full');
    cleanups.push(tmp.remove);
    let full = false;
    const store = new FilesChunkStore({
      dataDir: tmp.dir,
      beforeWrite: () => {
        if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    });
    const opts = { port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {} };
    let relay = await startRelay({ ...opts, chunkStore: store });
    const { token } = await relay.accounts.create('alice');
    const a = track((await V2Client.connect(relay.url, token)).client);
    const doc = docId();
    const first = randomBytes(3000);
    expect(await a.putAndWait(doc, chunkId(), first)).toMatchObject({ t: 'ack', seq: 1 });
    full = true;
    const big = randomBytes(PART_BYTES + 10);
    const refused = await a.putAndWait(doc, chunkId(), big);
    expect(refused).toMatchObject({ t: 'nack', code: 'unavailable', retryable: true });
    // Reading still works, and the socket stays open.
    const b = track((await V2Client.connect(relay.url, token)).client);
    expect((await b.pull(0)).chunks.map((c) => c.seq)).toEqual([1]);
    full = false;
    const retried = chunkId();
    expect(await a.putAndWait(doc, retried, big)).toMatchObject({ t: 'ack', seq: 2 });
    a.close();
    b.close();
    await relay.close();
    relay = await startRelay({ ...opts });
    cleanups.push(() => relay.close());
    const c = track((await V2Client.connect(relay.url, token)).client);
    const { chunks } = await c.pull(0);
    expect(chunks.map((x) => x.seq)).toEqual([1, 2]);
    expect(Buffer.from(chunks[0]?.bytes ?? []).equals(first)).toBe(true);
    expect(Buffer.from(chunks[1]?.bytes ?? []).equals(big)).toBe(true);
  });
});
