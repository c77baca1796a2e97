import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicFSStorageAdapter } from './doc-storage.ts';
import { QuotaExceededError, QuotaStorageAdapter } from './quota-storage.ts';

const root = mkdtempSync(path.join(tmpdir(), 'atelier-quota-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

async function setup(limits: { maxDocuments?: number; maxBytes?: number }, seed?: (files: AtomicFSStorageAdapter) => Promise<void>) {
  const files = new AtomicFSStorageAdapter(path.join(root, `q${++n}`));
  await seed?.(files);
  const quota = new QuotaStorageAdapter(files, {
    usage: await files.scanUsage(),
    sizeOf: (k) => files.sizeOf(k),
    maxDocuments: limits.maxDocuments ?? 0,
    maxBytes: limits.maxBytes ?? 0,
  });
  return { files, quota };
}

const bytes = (len: number) => new Uint8Array(len).fill(7);

describe('QuotaStorageAdapter', () => {
  it('starts from what is on disk and counts documents by their chunks', async () => {
    const { quota } = await setup({}, async (f) => {
      await f.save(['storage-adapter-id'], bytes(36));
      await f.save(['doc1aaaa', 'snapshot', 'h1'], bytes(100));
      await f.save(['doc1aaaa', 'incremental', 'h2'], bytes(10));
      await f.save(['doc2bbbb', 'snapshot', 'h3'], bytes(50));
      await f.save(['doc3cccc', 'sync-state', 'peer'], bytes(5)); // a sync state alone is no document
    });
    expect(quota.usage()).toEqual({ documents: 2, bytes: 201 });
  });

  it('refuses a new document past the limit, before writing; existing documents still grow', async () => {
    const { quota, files } = await setup({ maxDocuments: 2 });
    await quota.save(['doc1aaaa', 'snapshot', 'a'], bytes(10));
    await quota.save(['doc2bbbb', 'snapshot', 'a'], bytes(10));
    await expect(quota.save(['doc3cccc', 'snapshot', 'a'], bytes(10))).rejects.toThrow(QuotaExceededError);
    expect(await files.load(['doc3cccc', 'snapshot', 'a'])).toBeUndefined();
    await quota.save(['doc1aaaa', 'incremental', 'b'], bytes(10));
    expect(quota.usage()).toEqual({ documents: 2, bytes: 30 });
  });

  it('refuses a write past the byte limit, but lets a compaction that shrinks the document through', async () => {
    const { quota, files } = await setup({ maxBytes: 100 });
    await quota.save(['doc1aaaa', 'snapshot', 'a'], bytes(40));
    await quota.save(['doc1aaaa', 'incremental', 'b'], bytes(40));
    await expect(quota.save(['doc2bbbb', 'snapshot', 'a'], bytes(30))).rejects.toMatchObject({ kind: 'bytes', limit: 100 });
    await expect(quota.save(['doc1aaaa', 'incremental', 'c'], bytes(30))).rejects.toThrow(/storage limit/);
    // compaction of doc1: a 60-byte snapshot replacing its 80 bytes of chunks
    await quota.save(['doc1aaaa', 'snapshot', 'z'], bytes(60));
    await quota.remove(['doc1aaaa', 'snapshot', 'a']);
    await quota.remove(['doc1aaaa', 'incremental', 'b']);
    expect(quota.usage()).toEqual({ documents: 1, bytes: 60 });
    expect(await files.load(['doc1aaaa', 'snapshot', 'z'])).toHaveLength(60);
  });

  it('does not write sync states for documents it does not store', async () => {
    const { quota, files } = await setup({});
    await quota.save(['nodocxxx', 'sync-state', 'peer'], bytes(5));
    expect(await files.load(['nodocxxx', 'sync-state', 'peer'])).toBeUndefined();
    await quota.save(['doc1aaaa', 'snapshot', 'a'], bytes(5));
    await quota.save(['doc1aaaa', 'sync-state', 'peer'], bytes(5));
    expect(await files.load(['doc1aaaa', 'sync-state', 'peer'])).toHaveLength(5);
  });

  it('counts an overwrite by its difference and forgets removed documents', async () => {
    const { quota } = await setup({});
    await quota.save(['doc1aaaa', 'snapshot', 'a'], bytes(5));
    await quota.save(['doc1aaaa', 'sync-state', 'p'], bytes(10));
    await quota.save(['doc1aaaa', 'sync-state', 'p'], bytes(4));
    expect(quota.usage()).toEqual({ documents: 1, bytes: 9 });
    await quota.removeRange(['doc1aaaa']);
    expect(quota.usage()).toEqual({ documents: 0, bytes: 0 });
  });
});
