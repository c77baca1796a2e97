import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { Repo } from '@automerge/automerge-repo';
import { checkDoc, knowledgeText, type KnowledgeDoc } from '../../shared/schema/index.ts';
import { chunkText } from '../../shared/rag/chunk.ts';
import { IndexedDBStorage } from '../repo/indexeddb-storage.ts';
import { createStoredDocuments } from '../repo/stored-documents.ts';
import { chunkName, knowledgeDocBytes, knowledgeInitial } from './knowledge-bytes.ts';
import { storeKnowledge, type BuildKnowledge, type KnowledgeStorage } from './knowledge-store.ts';

/** What the worker does, in this process (the worker file itself runs in the browser tests). */
const inProcess: BuildKnowledge = async (f, whole, at) => {
  const bytes = knowledgeDocBytes(f, whole, at);
  return { bytes, name: await chunkName(bytes) };
};

let dbs = 0;
function device() {
  const storage = new IndexedDBStorage(`knowledge-store-${++dbs}`);
  const documents = createStoredDocuments(storage);
  const marked: string[] = [];
  const target: KnowledgeStorage = { putSnapshot: (id, name, data) => documents.putSnapshot(id, name, data), markUnsynced: (id) => void marked.push(id) };
  return { storage, target, marked, repo: new Repo({ storage, network: [] }) };
}

const TEXT = '# Manual\n\n## Setup\nInstall the unit on a dry wall.\n\n## Care\nWipe it with a soft cloth. Never use solvents.\n';
const FILE = { name: 'manual.md', type: 'text/markdown', size: TEXT.length, text: TEXT };

/** ~20 KB that does not compress to almost nothing (the repo compacts documents under 1 KB on every save). */
function largeText(): string {
  let seed = 11;
  const letter = () => String.fromCharCode(97 + ((seed = (seed * 1103515245 + 12345) % 2147483648) % 26));
  const words = Array.from({ length: 3500 }, () => Array.from({ length: 5 }, letter).join(''));
  return `# Large\n\n${words.join(' ')}\n`;
}

describe('storing an attached document', () => {
  it('built off the page, it is the document the page would make, stored before its url is given, and marked for upload', async () => {
    const { storage, target, marked, repo } = device();
    const stored = await storeKnowledge(repo, target, FILE, true, { build: inProcess });
    expect(stored.onPage).toBe(false);
    // durable already: another repo over the same database (a reload) finds it
    const reloaded = new Repo({ storage, network: [] });
    const doc = (await reloaded.find<KnowledgeDoc>(stored.url)).doc();
    const onPage = A.from<KnowledgeDoc>(knowledgeInitial(FILE, true, doc.createdAt));
    expect(A.toJS(doc)).toEqual(A.toJS(onPage));
    expect(typeof doc.text).toBe('object'); // one immutable value, as the page writes it
    expect(knowledgeText(doc)).toBe(TEXT);
    expect(chunkText(knowledgeText(doc))).toEqual(chunkText(knowledgeText(onPage)));
    expect(checkDoc('atelier/knowledge', doc).status).toBe('ok');
    expect(marked).toEqual([stored.documentId]);
    await reloaded.shutdown();
    await repo.shutdown();
  });

  it('stored as the document snapshot: a later small edit is saved as a small change, the text is not saved again', async () => {
    const { storage, target, repo } = device();
    const text = largeText();
    const stored = await storeKnowledge(repo, target, { ...FILE, size: text.length, text }, false, { build: inProcess });
    const handle = await repo.find<KnowledgeDoc>(stored.url);
    const before = await storage.loadRange([stored.documentId]);
    expect(before.map((c) => c.key[1])).toEqual(['snapshot']);
    handle.change((d) => {
      d.wholeDocument = true;
    });
    await repo.flush([stored.documentId]);
    const after = await storage.loadRange([stored.documentId]);
    const snapshot = after.find((c) => c.key[1] === 'snapshot');
    const added = after.filter((c) => c.key[1] === 'incremental');
    expect(snapshot?.data).toEqual(before[0]!.data);
    expect(added).toHaveLength(1);
    expect(added[0]!.data!.length).toBeLessThan(1024);
    await repo.shutdown();
  });

  it('when the worker fails, the page builds and saves the document itself and says so', async () => {
    const { storage, target, repo } = device();
    const stored = await storeKnowledge(repo, target, FILE, false, { build: () => Promise.reject(new Error('worker blocked')) });
    expect(stored.onPage).toBe(true);
    expect((await storage.loadRange([stored.documentId])).length).toBeGreaterThan(0);
    expect(knowledgeText((await repo.find<KnowledgeDoc>(stored.url)).doc())).toBe(TEXT);
    await repo.shutdown();
  });

  it('when the storage refuses the document, storing fails and the repo holds nothing', async () => {
    const { target, repo } = device();
    const refusing: KnowledgeStorage = { ...target, putSnapshot: () => Promise.reject(new Error('QuotaExceededError')) };
    await expect(storeKnowledge(repo, refusing, FILE, false, { build: inProcess })).rejects.toThrow('QuotaExceededError');
    expect(Object.keys(repo.handles)).toHaveLength(0);
    await repo.shutdown();
  });
});
