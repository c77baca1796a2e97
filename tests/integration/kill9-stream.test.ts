/**
 * The relay process is killed with `kill -9` at seeded random moments while three clients
 * stream puts. After each kill, before anything restarts, the account's log on disk alone must
 * hold every chunk any client had seen acknowledged, with the seq it was acknowledged with and
 * the same bytes. The clients then reconnect and put again whatever was not acknowledged; in the
 * end every chunk is stored exactly once and the seqs run 1..head without a gap.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesChunkStore } from '../../server/chunk-store/files-store.ts';
import { seededRng } from '../helpers/prng.ts';
import { spawnRelay, waitForOutput, type RelayProcess } from '../helpers/relay-process.ts';
import { cleanupAfterEach, tempDir } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const { cleanups } = cleanupAfterEach();

interface Put {
  doc: string;
  chunk: string;
  bytes: Uint8Array;
}

const hash = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('kill -9 during a stream of puts', () => {
  it('loses no chunk any client saw acknowledged (3 kills at seeded random moments)', async () => {
    const rng = seededRng(0x5eed9);
    const tmp = tempDir('kill9-stream');
    cleanups.push(tmp.remove);
    let relay: RelayProcess = await spawnRelay({ dataDir: tmp.dir });
    cleanups.push(() => relay.kill());
    const port = relay.port;
    const token = (await waitForOutput(relay, /token=([A-Za-z0-9_-]{43})/))[1] ?? '';
    const accounts = JSON.parse(await fsp.readFile(path.join(tmp.dir, 'accounts.json'), 'utf8')) as { accounts: { id: string }[] };
    const accountId = accounts.accounts[0]?.id ?? '';

    /** every acknowledged chunk: key → seq and hash */
    const acked = new Map<string, { seq: number; hash: string }>();
    const made: Put[] = [];
    let stop = false;
    /** resolved each time the relay listens again */
    let up: Promise<void> = Promise.resolve();
    let markUp = () => {};
    const ackWaiters: (() => void)[] = [];
    const onAck = () => ackWaiters.splice(0).forEach((w) => w());

    const writer = async (i: number) => {
      const doc = docId();
      const unacked: Put[] = [];
      while (!stop) {
        await up;
        let client: V2Client;
        try {
          client = (await V2Client.connect(relay.url, token)).client;
        } catch {
          continue; // killed between `up` and the connection: wait for the next start
        }
        try {
          // What was in flight at the kill is put again (same ids: a stored one is a duplicate).
          const inFlight = new Map<number, Put>();
          for (const p of unacked) inFlight.set(client.put(p.doc, p.chunk, p.bytes), p);
          while (!stop || inFlight.size > 0) {
            while (!stop && inFlight.size < 8) {
              const p = { doc, chunk: chunkId(), bytes: randomBytes(200 + rng.int(0, 5000)) };
              made.push(p);
              unacked.push(p);
              inFlight.set(client.put(p.doc, p.chunk, p.bytes), p);
            }
            const [id, p] = inFlight.entries().next().value as [number, Put];
            const answer = await client.answer(id);
            if (answer.t !== 'ack') throw new Error(`device ${i}: put refused: ${answer.message}`);
            inFlight.delete(id);
            unacked.splice(unacked.indexOf(p), 1);
            acked.set(`${p.doc}/${p.chunk}`, { seq: answer.seq, hash: hash(p.bytes) });
            onAck();
          }
          client.close();
          return;
        } catch (err) {
          if (!/socket closed/.test(String(err))) throw err;
        }
      }
    };
    const writers = [0, 1, 2].map(writer);
    const acksGrow = (n: number) =>
      new Promise<void>((resolve) => {
        const target = acked.size + n;
        const check = () => (acked.size >= target ? resolve() : ackWaiters.push(check));
        check();
      });

    for (let kill = 0; kill < 3; kill++) {
      // A random moment while acknowledgements flow: after 5–60 more of them.
      await acksGrow(rng.int(5, 60));
      const mustSurvive = new Map(acked);
      up = new Promise<void>((r) => (markUp = r));
      relay.proc.kill('SIGKILL');
      expect(await relay.exited).toBeNull();

      const log = await new FilesChunkStore({ dataDir: tmp.dir }).open(accountId);
      const onDisk = new Map(log.entriesAfter(0, 1_000_000).map((e) => [`${e.doc}/${e.chunk}`, e]));
      for (const [key, want] of mustSurvive) {
        const e = onDisk.get(key);
        expect(e?.seq, `kill ${kill + 1}: ${key}`).toBe(want.seq);
        if (e) expect(hash(await log.read(e, 0, e.size))).toBe(want.hash);
      }
      await log.close();

      relay = await spawnRelay({ dataDir: tmp.dir, port });
      markUp();
    }
    await acksGrow(10);
    stop = true;
    await Promise.all(writers);

    const reader = (await V2Client.connect(relay.url, token)).client;
    cleanups.push(() => reader.close());
    // A refused pull says why in the relay's own log: put it in the failure.
    const { chunks, caughtUp } = await reader.pull(0).catch((err: unknown) => {
      throw new Error(`${String(err)}\nrelay output:\n${relay.output().slice(-2000)}`);
    });
    expect(chunks.map((c) => c.seq)).toEqual(Array.from({ length: caughtUp }, (_, i) => i + 1));
    const stored = new Map(chunks.map((c) => [`${c.doc}/${c.chunk}`, hash(c.bytes)]));
    expect(stored.size).toBe(made.length);
    for (const p of made) expect(stored.get(`${p.doc}/${p.chunk}`)).toBe(hash(p.bytes));
    for (const [key, want] of acked) expect(chunks.find((c) => `${c.doc}/${c.chunk}` === key)?.seq).toBe(want.seq);
  });
});
