import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Repo, type AutomergeUrl } from '@automerge/automerge-repo';
import { checkDoc, knowledgeText, type KnowledgeDoc, type KnowledgeRef } from '../../shared/schema/index.ts';
import { IndexedDBStorage } from '../repo/indexeddb-storage.ts';
import { createStoredDocuments } from '../repo/stored-documents.ts';
import { createPendingKnowledge, isPendingUrl, type PendingFile } from './pending.ts';
import { storeKnowledge, type BuildKnowledge } from './knowledge-store.ts';
import { chunkName, knowledgeDocBytes } from './knowledge-bytes.ts';

let dbs = 0;
/** A repo over IndexedDB, and the store function the editor gives `commit` (the worker's work done in this process). */
function device(opts: { refuse?: boolean } = {}) {
  const storage = new IndexedDBStorage(`pending-${++dbs}`);
  const documents = createStoredDocuments(storage);
  const repo = new Repo({ storage, network: [] });
  const build: BuildKnowledge = async (f, whole, at) => {
    const bytes = knowledgeDocBytes(f, whole, at);
    return { bytes, name: await chunkName(bytes) };
  };
  const target = {
    putSnapshot: (id: string, name: string, data: Uint8Array) => (opts.refuse ? Promise.reject(new Error('disk full')) : documents.putSnapshot(id, name, data)),
    markUnsynced: () => undefined,
  };
  return { repo, storage, store: (f: PendingFile) => storeKnowledge(repo, target, f, f.wholeDocument, { build }) };
}

describe("a new preset's attached documents", () => {
  it('create nothing in the repo until the preset is saved; then exactly the attachments still listed', async () => {
    const { repo, storage, store } = device();
    const pending = createPendingKnowledge();
    const a = pending.add({ name: 'a.md', type: 'text/markdown', size: 5, text: '# A\nx' });
    const b = pending.add({ name: 'b.txt', type: 'text/plain', size: 3, text: 'bbb' });
    expect(isPendingUrl(a)).toBe(true);
    pending.setWhole(a, true);
    expect(Object.keys(repo.handles)).toHaveLength(0);

    // "b" was removed from the draft before saving
    const refs: Record<string, KnowledgeRef> = { r1: { name: 'a.md', type: 'text/markdown', url: a, externalId: null } };
    const stored = await pending.commit(store, refs);
    expect(stored).toHaveLength(1);
    expect((await storage.keys()).filter((k) => k[1] === 'snapshot').map((k) => k[0])).toEqual(stored.map((s) => s.documentId));
    const url = refs.r1!.url as AutomergeUrl;
    expect(isPendingUrl(url)).toBe(false);
    const doc = (await repo.find<KnowledgeDoc>(url)).doc();
    expect(doc).toMatchObject({ kind: 'atelier/knowledge', name: 'a.md', size: 5, wholeDocument: true });
    // stored as one immutable value, and valid for every reader
    expect(typeof doc.text).toBe('object');
    expect(knowledgeText(doc)).toBe('# A\nx');
    expect(checkDoc('atelier/knowledge', doc).status).toBe('ok');
    expect(pending.get(b)).toBeUndefined();
    await repo.shutdown();
  });

  it('a cancelled draft (never committed) leaves the repo empty', async () => {
    const { repo, storage } = device();
    const pending = createPendingKnowledge();
    pending.add({ name: 'c.md', type: 'text/markdown', size: 1, text: 'c' });
    expect(Object.keys(repo.handles)).toHaveLength(0);
    expect((await storage.keys()).filter((k) => k[1] === 'snapshot' || k[1] === 'incremental')).toEqual([]);
    await repo.shutdown();
  });

  it('a document that cannot be stored: the commit fails, the refs stay pending and the attachment is kept for another try', async () => {
    const { repo, store } = device({ refuse: true });
    const pending = createPendingKnowledge();
    const a = pending.add({ name: 'a.md', type: 'text/markdown', size: 5, text: '# A\nx' });
    const refs: Record<string, KnowledgeRef> = { r1: { name: 'a.md', type: 'text/markdown', url: a, externalId: null } };
    await expect(pending.commit(store, refs)).rejects.toThrow('disk full');
    expect(refs.r1!.url).toBe(a);
    expect(pending.get(a)?.text).toBe('# A\nx');
    await repo.shutdown();
  });
});
