import { promises as fsp } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { runChunkStoreTests, storeChunk } from './acceptance.ts';
import { FilesChunkStore, logDir } from './files-store.ts';
import { listSegments, segmentName } from './segments.ts';

function tmp(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-chunks-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

runChunkStoreTests('local files', async ({ graceMs, now }) => {
  const t = tmp();
  return { store: new FilesChunkStore({ dataDir: t.dir, graceMs, now, segmentBytes: 256 * 1024 }), teardown: t.remove };
});

const ACCOUNT = 'a1b2c3d4e5f6a7b8c9d0e1f2';
const DOC = '2B8dUkN3xRrXx4WQ9Hc6fGhyT1pZ';
const cid = () => randomBytes(16).toString('base64url');

describe('FilesChunkStore', () => {
  it('cuts a torn record off the end of the log at open and appends after the good records', async () => {
    const t = tmp();
    try {
      const store = new FilesChunkStore({ dataDir: t.dir });
      const log = await store.open(ACCOUNT);
      const kept = randomBytes(500);
      await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, kept);
      await log.close();
      // A crash in the middle of the next record: half a header and some bytes.
      const dir = logDir(t.dir, ACCOUNT);
      const [seg] = await listSegments(dir);
      const file = path.join(dir, segmentName(seg ?? 1));
      const goodSize = (await fsp.stat(file)).size;
      await fsp.appendFile(file, Buffer.from([0, 0, 1, 0, 9, 9, 9, 9, 2, 1, 2, 3]));
      const again = await store.open(ACCOUNT);
      expect((await fsp.stat(file)).size).toBe(goodSize);
      expect(again.head()).toBe(1);
      expect((await storeChunk(again, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(10))).seq).toBe(2);
      await again.close();
      const third = await store.open(ACCOUNT);
      expect(third.entriesAfter(0, 10).map((e) => e.seq)).toEqual([1, 2]);
      await third.close();
    } finally {
      t.remove();
    }
  });

  it('ignores a record whose CRC does not match (a bit flipped on disk) and what follows it', async () => {
    const t = tmp();
    try {
      const store = new FilesChunkStore({ dataDir: t.dir });
      const log = await store.open(ACCOUNT);
      await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(100));
      const mark = log.bytesUsed();
      await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(100));
      await log.close();
      const dir = logDir(t.dir, ACCOUNT);
      const file = path.join(dir, segmentName(1));
      const bytes = await fsp.readFile(file);
      bytes[mark + 20] = (bytes[mark + 20] ?? 0) ^ 0xff; // inside the second chunk's part
      await fsp.writeFile(file, bytes);
      const again = await store.open(ACCOUNT);
      expect(again.head()).toBe(1);
      await again.close();
    } finally {
      t.remove();
    }
  });

  it('refuses to open a log another live process holds', async () => {
    const t = tmp();
    try {
      const store = new FilesChunkStore({ dataDir: t.dir });
      const log = await store.open(ACCOUNT);
      await expect(new FilesChunkStore({ dataDir: t.dir }).open(ACCOUNT)).rejects.toMatchObject({ code: 'locked' });
      await log.close();
      // A lock left by a process that is gone is taken over.
      await fsp.writeFile(path.join(logDir(t.dir, ACCOUNT), 'LOCK'), '999999999');
      const again = await store.open(ACCOUNT);
      await again.close();
    } finally {
      t.remove();
    }
  });

  it('serves one fsync for the commits that arrive while another runs (group commit)', async () => {
    const t = tmp();
    try {
      const store = new FilesChunkStore({ dataDir: t.dir });
      const log = await store.open(ACCOUNT);
      const results = await Promise.all(Array.from({ length: 50 }, () => storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(20))));
      expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(log.syncCount()).toBeLessThan(50);
      await log.close();
    } finally {
      t.remove();
    }
  });

  it('writes a chunk uploaded in one part with its commit record in one write, and reads it back after a reopen', async () => {
    const t = tmp();
    try {
      let writes = 0;
      const store = new FilesChunkStore({ dataDir: t.dir, beforeWrite: () => void writes++ });
      const log = await store.open(ACCOUNT);
      await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(10)); // starts the segment
      const bytes = randomBytes(5_000);
      const chunk = cid();
      const before = writes;
      await storeChunk(log, { doc: DOC, chunk, kind: 'change' }, bytes);
      expect(writes - before).toBe(1);
      await log.close();
      const again = await store.open(ACCOUNT);
      const entry = again.entriesAfter(0, 10)[1];
      expect(entry?.chunk).toBe(chunk);
      expect(Buffer.from(await again.read(entry!, 0, bytes.length)).equals(bytes)).toBe(true);
      await again.close();
    } finally {
      t.remove();
    }
  });

  it('after a refused write (full disk) keeps the log readable and takes later chunks', async () => {
    const t = tmp();
    try {
      let full = false;
      const store = new FilesChunkStore({
        dataDir: t.dir,
        beforeWrite: () => {
          if (full) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        },
      });
      const log = await store.open(ACCOUNT);
      await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(100));
      full = true;
      await expect(storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(100))).rejects.toMatchObject({ code: 'unavailable' });
      full = false;
      expect((await storeChunk(log, { doc: DOC, chunk: cid(), kind: 'change' }, randomBytes(100))).seq).toBe(2);
      await log.close();
      const again = await store.open(ACCOUNT);
      expect(again.entriesAfter(0, 10).map((e) => e.seq)).toEqual([1, 2]);
      await again.close();
    } finally {
      t.remove();
    }
  });
});
