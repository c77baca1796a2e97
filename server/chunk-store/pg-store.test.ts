import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pgClusterPerFile } from '../../tests/helpers/pg-cluster-per-file.ts';
import { runChunkStoreTests, storeChunk } from './acceptance.ts';
import { isUpload, type StoredEntry } from './chunk-store.ts';
import { PgChunkStore } from './pg-store.ts';

const db = pgClusterPerFile();

runChunkStoreTests('PostgreSQL', async ({ graceMs, now }) => {
  const store = new PgChunkStore({ url: db.database('acc'), graceMs, now });
  return { store, teardown: () => store.close() };
});

const ACCOUNT = 'a1b2c3d4e5f6a7b8c9d0e1f2';
const DOC = '2B8dUkN3xRrXx4WQ9Hc6fGhyT1pZ';
const cid = () => randomBytes(16).toString('base64url');

describe('PgChunkStore across processes (one store per relay, one database)', () => {
  it('keeps seqs gap-free and ordered per account under concurrent uploads through several relays', async () => {
    const url = db.database('multi');
    const relays = [new PgChunkStore({ url }), new PgChunkStore({ url }), new PgChunkStore({ url })];
    try {
      const logs = await Promise.all(relays.map((r) => r.open(ACCOUNT)));
      const results = await Promise.all(
        logs.flatMap((log) => Array.from({ length: 15 }, () => storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(200)))),
      );
      expect(results.every((r) => !r.duplicate)).toBe(true);
      expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
      for (const log of logs) {
        await expect.poll(() => log.head()).toBe(45);
        expect(log.entriesAfter(0, 100).map((e) => e.seq)).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
      }
      await Promise.all(logs.map((l) => l.close()));
    } finally {
      await Promise.all(relays.map((r) => r.close()));
    }
  });

  it("tells another relay's listeners of a chunk committed through this one, in seq order, and serves its bytes", async () => {
    const url = db.database('fanout');
    const one = new PgChunkStore({ url });
    const two = new PgChunkStore({ url });
    try {
      const a = await one.open(ACCOUNT);
      const b = await two.open(ACCOUNT);
      const seen: StoredEntry[] = [];
      const got = new Promise<void>((resolve) =>
        b.onDurable((entries) => {
          seen.push(...entries);
          if (seen.length >= 3) resolve();
        }),
      );
      const bodies = [randomBytes(10), randomBytes(2_000_000), randomBytes(7)];
      for (const body of bodies) await storeChunk(a, { doc: DOC, chunk: cid(), kind: 'change' }, body, 1024 * 1024);
      await got;
      expect(seen.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(Buffer.from(await b.read(seen[1] as StoredEntry, 0, 2_000_000)).equals(bodies[1] as Buffer)).toBe(true);
      // The same chunk uploaded again through the other relay is the stored one.
      const first = seen[0] as StoredEntry;
      expect(await storeChunk(b, { doc: DOC, chunk: first.chunk, kind: 'change' }, bodies[0] as Buffer)).toEqual({ seq: 1, duplicate: true });
      await a.close();
      await b.close();
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('refuses uploads with a retryable error while the database is down, and takes them again when it is back', async () => {
    const url = db.database('down');
    const store = new PgChunkStore({ url, reconnectMs: 50 });
    try {
      const log = await store.open(ACCOUNT);
      const kept = randomBytes(300);
      await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, kept);
      await db.cluster().stop();
      try {
        await expect(storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(10))).rejects.toMatchObject({ code: 'unavailable' });
      } finally {
        await db.cluster().start();
      }
      const again = await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(10));
      expect(again.seq).toBe(2);
      const [e] = log.entriesAfter(0, 1);
      expect(e && Buffer.from(await log.read(e, 0, e.size)).equals(kept)).toBe(true);
      await log.close();
    } finally {
      await store.close();
    }
  });

  it('deletes the stored parts of an upload never committed (a device gone mid-chunk) once a day old, and nothing committed', async () => {
    const clock = { t: 1_700_000_000_000 };
    const store = new PgChunkStore({ url: db.database('abandon'), now: () => clock.t });
    try {
      const log = await store.open(ACCOUNT);
      const kept = randomBytes(100);
      await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, kept);
      const up = log.begin({ doc: DOC, chunk: cid(), kind: 'change', size: 2000 });
      if (!isUpload(up)) throw new Error('expected an upload');
      await up.write(randomBytes(1000));
      up.abort();
      const parts = async () => Number((await store.pool.query<{ n: string }>('SELECT count(*) AS n FROM chunk_parts')).rows[0]?.n);
      expect(await parts()).toBe(2);
      await log.reclaim();
      expect(await parts()).toBe(2); // not a day old yet: maybe still being uploaded
      clock.t += 24 * 3600_000 + 1;
      await log.reclaim();
      expect(await parts()).toBe(1);
      const [e] = log.entriesAfter(0, 1);
      expect(e && Buffer.from(await log.read(e, 0, e.size)).equals(kept)).toBe(true);
      await log.close();
    } finally {
      await store.close();
    }
  });
});
