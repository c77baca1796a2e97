import * as A from '@automerge/automerge';
import { generateAutomergeUrl, parseAutomergeUrl, Repo, type PeerId } from '@automerge/automerge-repo';
import { describe, expect, it } from 'vitest';
import { importIntoOpenDoc } from './import-into-open-doc.ts';
import { SlowStorage } from './slow-storage.test-helper.ts';

type Doc = { lines: string[] };

/**
 * A document stored on this device, and changes of it received from the relay that storage
 * lacks. The repo's own saves are held back (long debounce), so its storage load reads only
 * what was stored before, as when IndexedDB is busy.
 */
async function setUp() {
  const stored = A.from<Doc>({ lines: ['stored'] });
  const fromRelay = A.change(A.clone(stored), (d) => void d.lines.push('from the relay'));
  const url = generateAutomergeUrl();
  const { documentId } = parseAutomergeUrl(url);
  const storage = new SlowStorage();
  await storage.save([documentId, 'snapshot', 'stored'], A.save(stored));
  const repo = new Repo({ storage, network: [], peerId: 'device' as PeerId, saveDebounceRate: 60_000 });
  // the relay's copy whole (a snapshot chunk): loaded into an empty handle, it makes it ready
  return { repo, storage, url, documentId, received: A.save(fromRelay) };
}

const lines = (doc: Doc) => [...doc.lines].sort();

describe('importIntoOpenDoc', () => {
  it('changes received while a document loads from storage are kept along with what storage held and later changes', async () => {
    const { repo, storage, url, documentId, received } = await setUp();
    try {
      const found = repo.find<Doc>(url);
      await storage.loading;
      expect(importIntoOpenDoc(repo, documentId, received)).toBeNull();
      storage.release();
      const handle = await found;
      await expect.poll(() => lines(handle.doc())).toEqual(['from the relay', 'stored']);
      handle.change((d) => void d.lines.push('changed on this device'));
      expect(lines(handle.doc())).toEqual(['changed on this device', 'from the relay', 'stored']);
    } finally {
      await repo.shutdown();
    }
  });

  it('a ready document takes the changes at once and tells its heads before and after', async () => {
    const { repo, storage, url, documentId, received } = await setUp();
    try {
      storage.release();
      const handle = await repo.find<Doc>(url);
      const before = A.getHeads(handle.doc());
      const imported = importIntoOpenDoc(repo, documentId, received);
      expect(imported).toEqual({ before, after: A.getHeads(handle.doc()) });
      expect(lines(handle.doc())).toEqual(['from the relay', 'stored']);
    } finally {
      await repo.shutdown();
    }
  });

  it('a document with no open handle is left to storage (no handle is made for it)', async () => {
    const { repo, documentId, received } = await setUp();
    try {
      expect(importIntoOpenDoc(repo, documentId, received)).toBeNull();
      expect(repo.handles[documentId]).toBeUndefined();
    } finally {
      await repo.shutdown();
    }
  });
});
