import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Repo } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { describe, expect, it } from 'vitest';
import { AtomicFSStorageAdapter } from './doc-storage.ts';

function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-docstore-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const bytes = (...b: number[]) => new Uint8Array(b);
const byKey = (a: { key: string[] }, b: { key: string[] }) => a.key.join('/').localeCompare(b.key.join('/'));

// automerge-repo's runStorageAdapterTests expects loadRange in insertion order, which only an
// in-memory cache can give; this adapter deliberately has none (the relay's memory matters,
// and the repo does not depend on that order), so the same contract is checked order-free.
describe('AtomicFSStorageAdapter contract', () => {
  it('saves, loads, ranges and removes', async () => {
    const tmp = tempDir();
    try {
      const a = new AtomicFSStorageAdapter(tmp.dir);
      expect(await a.load(['AAAAA', 'sync-state', 'x'])).toBeUndefined();
      expect(await a.loadRange(['AAAAA'])).toEqual([]);
      await a.save(['storage-adapter-id'], bytes(1, 2));
      await a.save(['AAAAA', 'sync-state', 'x'], bytes(3));
      await a.save(['AAAAA', 'snapshot', 'y'], bytes(4));
      await a.save(['AAAAA', 'sync-state', 'z'], bytes(5));
      await a.save(['BBBBB', 'sync-state', 'z'], bytes(6));
      await a.save(['AAAAA', 'sync-state', 'x'], bytes(7)); // overwrite
      expect(await a.load(['storage-adapter-id'])).toEqual(bytes(1, 2));
      expect((await a.loadRange(['AAAAA'])).sort(byKey)).toEqual([
        { key: ['AAAAA', 'snapshot', 'y'], data: bytes(4) },
        { key: ['AAAAA', 'sync-state', 'x'], data: bytes(7) },
        { key: ['AAAAA', 'sync-state', 'z'], data: bytes(5) },
      ]);
      expect((await a.loadRange(['AAAAA', 'sync-state'])).sort(byKey).map((c) => c.key[2])).toEqual(['x', 'z']);
      await a.remove(['AAAAA', 'sync-state', 'x']);
      expect(await a.load(['AAAAA', 'sync-state', 'x'])).toBeUndefined();
      await a.removeRange(['AAAAA']);
      expect(await a.loadRange(['AAAAA'])).toEqual([]);
      expect(await a.load(['BBBBB', 'sync-state', 'z'])).toEqual(bytes(6));
      const large = new Uint8Array(100_000).map(() => Math.floor(Math.random() * 256));
      await a.save(['CCCCC', 'snapshot', 'big'], large);
      expect(await a.load(['CCCCC', 'snapshot', 'big'])).toEqual(large);
    } finally {
      tmp.remove();
    }
  });
});

describe('AtomicFSStorageAdapter', () => {
  it('keeps the NodeFSStorageAdapter layout: a document saved through it loads with the stock adapter', async () => {
    const tmp = tempDir();
    try {
      const writer = new Repo({ storage: new AtomicFSStorageAdapter(tmp.dir), network: [] });
      const h = writer.create<{ items: string[] }>({ items: [] });
      for (let i = 0; i < 5; i++) h.change((d) => void d.items.push(`i${i}`));
      await writer.flush();
      await writer.shutdown();

      const reader = new Repo({ storage: new NodeFSStorageAdapter(tmp.dir), network: [] });
      const loaded = await reader.find<{ items: string[] }>(h.url);
      expect(loaded.doc().items).toEqual(['i0', 'i1', 'i2', 'i3', 'i4']);
      await reader.shutdown();
    } finally {
      tmp.remove();
    }
  });

  it('leaves no temp files behind and never lists them as chunks', async () => {
    const tmp = tempDir();
    try {
      const a = new AtomicFSStorageAdapter(tmp.dir);
      await Promise.all(Array.from({ length: 20 }, (_, i) => a.save(['docid123', 'incremental', `k${i}`], new Uint8Array([i + 1]))));
      expect(readdirSync(path.join(tmp.dir, '.tmp'))).toEqual([]);
      expect(await a.loadRange(['docid123'])).toHaveLength(20);
    } finally {
      tmp.remove();
    }
  });

  it('writes small and large chunks alike, and makes a removed folder again', async () => {
    const tmp = tempDir();
    try {
      const a = new AtomicFSStorageAdapter(tmp.dir);
      const large = new Uint8Array(200 * 1024).fill(7); // past the synchronous writes' limit
      await a.save(['docid456', 'snapshot', 's'], large);
      await a.save(['docid456', 'incremental', 'i1'], bytes(1));
      // the document's folder removed by someone else after the adapter made it
      rmSync(path.join(tmp.dir, 'do'), { recursive: true, force: true });
      await a.save(['docid456', 'incremental', 'i2'], bytes(2));
      await a.save(['docid456', 'snapshot', 's2'], large);
      await a.save(['docid456', 'sync-state', 'p'], bytes(3));
      expect((await a.loadRange(['docid456'])).map((c) => c.key.join('/')).sort()).toEqual([
        'docid456/incremental/i2',
        'docid456/snapshot/s2',
        'docid456/sync-state/p',
      ]);
      expect(await a.load(['docid456', 'snapshot', 's2'])).toEqual(large);
      expect(readdirSync(path.join(tmp.dir, '.tmp'))).toEqual([]);
    } finally {
      tmp.remove();
    }
  });

  it('refuses keys that would climb out of its folder', async () => {
    const tmp = tempDir();
    try {
      const a = new AtomicFSStorageAdapter(tmp.dir);
      await expect(a.save(['..', 'x'], new Uint8Array([1]))).rejects.toThrow(/invalid storage key/);
      await expect(a.save(['abc', '../../x'], new Uint8Array([1]))).rejects.toThrow(/invalid storage key/);
    } finally {
      tmp.remove();
    }
  });
});
