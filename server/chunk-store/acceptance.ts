/**
 * Acceptance tests every ChunkStore implementation must pass (like account-store-acceptance.ts).
 * Call from a *.test.ts file with a setup that builds a fresh, empty store on the given clock.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChunkStoreError, isUpload, type AccountLog, type AppendResult, type ChunkMeta, type ChunkStore, type StoredEntry } from './chunk-store.ts';

export interface ChunkStoreSetupOptions {
  graceMs: number;
  now: () => number;
}

export interface ChunkStoreSetup {
  store: ChunkStore;
  teardown?: () => void | Promise<void>;
}

const ACCOUNT = 'a1b2c3d4e5f6a7b8c9d0e1f2';
const OTHER = 'f0e1d2c3b4a5968778695a4b';
const DOC = '2B8dUkN3xRrXx4WQ9Hc6fGhyT1pZ';
const DOC2 = '3C9eVmP4ySsYy5XR1Jd7gHjzU2qA';
const cid = () => randomBytes(16).toString('base64url');

/** Stores a chunk in parts of `partBytes`; resolves once durable. */
export async function storeChunk(
  log: AccountLog,
  meta: Omit<ChunkMeta, 'size'> & { covers?: readonly string[] },
  bytes: Uint8Array,
  partBytes = 1024 * 1024,
): Promise<AppendResult> {
  const r = log.begin({ ...meta, size: bytes.length });
  if (!isUpload(r)) return r;
  for (let at = 0; at < bytes.length; at += partBytes) await r.write(bytes.subarray(at, Math.min(bytes.length, at + partBytes)));
  return r.commit();
}

export async function readAll(log: AccountLog, e: StoredEntry): Promise<Buffer> {
  return Buffer.from(await log.read(e, 0, e.size));
}

export function runChunkStoreTests(title: string, setup: (opts: ChunkStoreSetupOptions) => Promise<ChunkStoreSetup>): void {
  const GRACE = 1_000_000;
  const withStore = (fn: (store: ChunkStore, clock: { t: number }) => Promise<void>) => async () => {
    const clock = { t: 1_700_000_000_000 };
    const { store, teardown } = await setup({ graceMs: GRACE, now: () => clock.t });
    try {
      await fn(store, clock);
    } finally {
      await teardown?.();
    }
  };

  describe(`ChunkStore acceptance (${title})`, () => {
    it(
      'gives each stored chunk the next seq, gap-free, and keeps it across a reopen',
      withStore(async (store) => {
        let log = await store.open(ACCOUNT);
        expect(log.head()).toBe(0);
        const bodies = [randomBytes(10), randomBytes(3000), randomBytes(1)];
        const seqs: number[] = [];
        for (const b of bodies) seqs.push((await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, b)).seq);
        expect(seqs).toEqual([1, 2, 3]);
        expect(log.head()).toBe(3);
        await log.close();
        log = await store.open(ACCOUNT);
        expect(log.head()).toBe(3);
        const entries = log.entriesAfter(0, 100);
        expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
        for (const [i, e] of entries.entries()) expect((await readAll(log, e)).equals(bodies[i] ?? Buffer.alloc(0))).toBe(true);
        expect(log.entriesAfter(1, 1).map((e) => e.seq)).toEqual([2]);
        await log.close();
      }),
    );

    it(
      'keeps accounts apart',
      withStore(async (store) => {
        const a = await store.open(ACCOUNT);
        const b = await store.open(OTHER);
        await storeChunk(a, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(5));
        expect(b.head()).toBe(0);
        expect(b.entriesAfter(0, 10)).toEqual([]);
        expect((await storeChunk(b, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(5))).seq).toBe(1);
        await a.close();
        await b.close();
      }),
    );

    it(
      'stores a (doc, chunk) once: a second put answers the first seq as a duplicate',
      withStore(async (store) => {
        const log = await store.open(ACCOUNT);
        const chunk = cid();
        const bytes = randomBytes(100);
        expect(await storeChunk(log, { doc: DOC, chunk, kind: 'change' }, bytes)).toEqual({ seq: 1, duplicate: false });
        const used = log.bytesUsed();
        expect(await storeChunk(log, { doc: DOC, chunk, kind: 'change' }, bytes)).toEqual({ seq: 1, duplicate: true });
        // Two uploads of one chunk at once: one is stored, the other is its duplicate.
        const other = cid();
        const [x, y] = await Promise.all([
          storeChunk(log, { doc: DOC, chunk: other, kind: 'change' }, bytes),
          storeChunk(log, { doc: DOC, chunk: other, kind: 'change' }, bytes),
        ]);
        expect([x.duplicate, y.duplicate].sort()).toEqual([false, true]);
        expect(x.seq).toBe(y.seq);
        expect(log.entriesAfter(0, 10)).toHaveLength(2);
        // The same chunk id in another document is another chunk.
        expect((await storeChunk(log, { doc: DOC2, chunk, kind: 'change' }, bytes)).duplicate).toBe(false);
        expect(log.bytesUsed()).toBeGreaterThan(used);
        await log.close();
      }),
    );

    it(
      'stores a chunk written in many parts and reads any range of it back',
      withStore(async (store) => {
        const log = await store.open(ACCOUNT);
        const bytes = randomBytes(3 * 1024 * 1024 + 17);
        await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'snapshot' }, bytes, 1024 * 1024);
        const [e] = log.entriesAfter(0, 1);
        if (!e) throw new Error('no entry');
        expect(e.size).toBe(bytes.length);
        expect((await readAll(log, e)).equals(bytes)).toBe(true);
        const mid = Buffer.from(await log.read(e, 1024 * 1024 - 5, 10));
        expect(mid.equals(bytes.subarray(1024 * 1024 - 5, 1024 * 1024 + 5))).toBe(true);
        await log.close();
      }),
    );

    it(
      'refuses a commit with missing bytes or a part past the size, and stores nothing for it',
      withStore(async (store) => {
        const log = await store.open(ACCOUNT);
        const up = log.begin({ doc: DOC, chunk: cid(), kind: 'change', size: 10 });
        if (!isUpload(up)) throw new Error('expected an upload');
        await up.write(randomBytes(4));
        await expect(up.commit()).rejects.toMatchObject({ code: 'bad-part' });
        const up2 = log.begin({ doc: DOC, chunk: cid(), kind: 'change', size: 4 });
        if (!isUpload(up2)) throw new Error('expected an upload');
        await expect(up2.write(randomBytes(5))).rejects.toMatchObject({ code: 'bad-part' });
        expect(log.head()).toBe(0);
        expect(log.entriesAfter(0, 10)).toEqual([]);
        await log.close();
      }),
    );

    it(
      'tells listeners of each durable entry once, in seq order',
      withStore(async (store) => {
        const log = await store.open(ACCOUNT);
        const seen: number[] = [];
        log.onDurable((entries) => seen.push(...entries.map((e) => e.seq)));
        await Promise.all(Array.from({ length: 20 }, () => storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(50))));
        expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        await log.close();
      }),
    );

    it(
      'drops the chunks a snapshot covers once it is stored, and refuses bad covers',
      withStore(async (store) => {
        const log = await store.open(ACCOUNT);
        const c1 = cid();
        const c2 = cid();
        const c3 = cid();
        const foreign = cid();
        await storeChunk(log, { doc: DOC, chunk: c1, kind: 'change' }, randomBytes(10));
        await storeChunk(log, { doc: DOC, chunk: c2, kind: 'change' }, randomBytes(10));
        await storeChunk(log, { doc: DOC, chunk: c3, kind: 'change' }, randomBytes(10));
        await storeChunk(log, { doc: DOC2, chunk: foreign, kind: 'change' }, randomBytes(10));
        // Another document's chunk, or an id never stored: refused, nothing changes.
        expect(() => log.begin({ doc: DOC, chunk: cid(), kind: 'snapshot', size: 5, covers: [c1, foreign] })).toThrow(ChunkStoreError);
        expect(() => log.begin({ doc: DOC, chunk: cid(), kind: 'snapshot', size: 5, covers: [cid()] })).toThrow(/covers/);
        expect(() => log.begin({ doc: DOC, chunk: cid(), kind: 'change', size: 5, covers: [c1] })).toThrow(ChunkStoreError);
        expect(log.entriesAfter(0, 10)).toHaveLength(4);

        const snap = cid();
        const r = await storeChunk(log, { doc: DOC, chunk: snap, kind: 'snapshot', covers: [c1, c2] }, randomBytes(20));
        expect(r.seq).toBe(5);
        expect(log.entriesAfter(0, 10).map((e) => e.chunk)).toEqual([c3, foreign, snap]);
        // Covers naming chunks already dropped are fine.
        expect((await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'snapshot', covers: [c1, c3] }, randomBytes(20))).seq).toBe(6);
        expect(log.entriesAfter(0, 10).map((e) => e.chunk)).not.toContain(c3);
        await log.close();
        const again = await store.open(ACCOUNT);
        expect(again.entriesAfter(0, 10).map((e) => e.seq)).toEqual([4, 5, 6]);
        await again.close();
      }),
    );

    it(
      'serves dropped chunks again (with new seqs) when recovered within the grace period',
      withStore(async (store, clock) => {
        const log = await store.open(ACCOUNT);
        const c1 = cid();
        const bytes = randomBytes(64);
        await storeChunk(log, { doc: DOC, chunk: c1, kind: 'change' }, bytes);
        await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'snapshot', covers: [c1] }, randomBytes(20));
        expect(log.entriesAfter(0, 10).map((e) => e.chunk)).not.toContain(c1);
        clock.t += GRACE / 2;
        expect(await log.recover(DOC2)).toBe(0);
        expect(await log.recover()).toBe(1);
        const back = log.entriesAfter(2, 10);
        expect(back.map((e) => [e.chunk, e.seq])).toEqual([[c1, 3]]);
        expect(log.head()).toBe(3);
        expect((await readAll(log, back[0] as StoredEntry)).equals(bytes)).toBe(true);
        await log.close();
        const again = await store.open(ACCOUNT);
        expect(again.entriesAfter(0, 10).map((e) => e.seq)).toEqual([2, 3]);
        await again.close();
      }),
    );

    it(
      'reclaims the bytes of chunks dropped longer ago than the grace period, and they can no longer be recovered',
      withStore(async (store, clock) => {
        let log = await store.open(ACCOUNT);
        const c1 = cid();
        await storeChunk(log, { doc: DOC, chunk: c1, kind: 'change' }, randomBytes(200_000));
        const keep = randomBytes(1000);
        await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'snapshot', covers: [c1] }, keep);
        expect(await log.reclaim()).toBe(0);
        const before = log.bytesUsed();
        clock.t += GRACE + 1;
        expect(await log.reclaim()).toBeGreaterThan(150_000);
        expect(log.bytesUsed()).toBeLessThan(before - 150_000);
        expect(await log.recover()).toBe(0);
        expect(log.head()).toBe(2);
        const [snap] = log.entriesAfter(0, 10);
        expect(snap && (await readAll(log, snap)).equals(keep)).toBe(true);
        // A reclaimed chunk still counts as dropped for covers; new seqs follow the old head.
        expect((await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'snapshot', covers: [c1] }, randomBytes(5))).seq).toBe(3);
        await log.close();
        log = await store.open(ACCOUNT);
        expect(log.head()).toBe(3);
        expect(log.entriesAfter(0, 10).map((e) => e.seq)).toEqual([2, 3]);
        await log.close();
      }),
    );

    it(
      'reports the bytes an account uses',
      withStore(async (store) => {
        const log = await store.open(ACCOUNT);
        const empty = log.bytesUsed();
        await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(100_000));
        expect(log.bytesUsed() - empty).toBeGreaterThanOrEqual(100_000);
        await log.close();
      }),
    );
  });
}
