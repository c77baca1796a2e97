import 'fake-indexeddb/auto';
import * as A from '@automerge/automerge';
import { generateAutomergeUrl, parseAutomergeUrl, Repo, type PeerId, type StorageKey } from '@automerge/automerge-repo';
import { IndexedDBStorageAdapter } from '@automerge/automerge-repo-storage-indexeddb';
import { describe, expect, it } from 'vitest';
import { IndexedDBStorage } from './indexeddb-storage.ts';
import { createStoredDocuments } from './stored-documents.ts';

type Doc = { lines: string[] };

let dbs = 0;
const freshName = () => `storage-test-${++dbs}`;
const bytes = (...b: number[]) => new Uint8Array(b);

async function findLines(storage: IndexedDBStorage | IndexedDBStorageAdapter, documentId: string): Promise<string[]> {
  const repo = new Repo({ storage, network: [], peerId: 'reader' as PeerId });
  try {
    const handle = await repo.find<Doc>(`automerge:${documentId}` as ReturnType<typeof generateAutomergeUrl>);
    return [...handle.doc().lines].sort();
  } finally {
    await repo.shutdown();
  }
}

describe('IndexedDBStorage', () => {
  it("reads the documents automerge-repo's own IndexedDB adapter stored (existing devices keep their data)", async () => {
    const name = freshName();
    // What a device wrote before: automerge-repo over the library's adapter.
    const writer = new Repo({ storage: new IndexedDBStorageAdapter(name), network: [], peerId: 'writer' as PeerId });
    const handle = writer.create<Doc>({ lines: ['written before'] });
    handle.change((d) => void d.lines.push('and changed'));
    await writer.flush();
    await writer.shutdown();

    expect(await findLines(new IndexedDBStorage(name), handle.documentId)).toEqual(['and changed', 'written before']);
  });

  it("writes what automerge-repo's own IndexedDB adapter reads (same database, store and keys)", async () => {
    const name = freshName();
    const ours = new IndexedDBStorage(name);
    const key: StorageKey = ['doc', 'incremental', 'relay-1'];
    await ours.saveMany([
      { key, data: bytes(1, 2) },
      { key: ['doc', 'sync-state', 'peer'], data: bytes(3) },
    ]);
    const theirs = new IndexedDBStorageAdapter(name);
    expect(await theirs.load(key)).toEqual(bytes(1, 2));
    expect((await theirs.loadRange(['doc'])).map((c) => c.key)).toEqual([key, ['doc', 'sync-state', 'peer']]);
  });

  it('loads and removes by prefix only the keys under it (not a document whose id starts the same)', async () => {
    const storage = new IndexedDBStorage(freshName());
    await storage.saveMany([
      { key: ['abc', 'snapshot', 'x'], data: bytes(1) },
      { key: ['abc', 'incremental', 'y'], data: bytes(2) },
      { key: ['abcd', 'snapshot', 'z'], data: bytes(3) },
    ]);
    expect((await storage.loadRange(['abc'])).map((c) => c.key)).toEqual([
      ['abc', 'incremental', 'y'],
      ['abc', 'snapshot', 'x'],
    ]);
    await storage.removeRange(['abc']);
    expect(await storage.keys()).toEqual([['abcd', 'snapshot', 'z']]);
    await storage.remove(['abcd', 'snapshot', 'z']);
    expect(await storage.loadRange([])).toEqual([]);
  });

  it('stores none of a batch when one entry cannot be stored', async () => {
    const storage = new IndexedDBStorage(freshName());
    const unstorable = { key: [{}] as unknown as StorageKey, data: bytes(2) };
    await expect(storage.saveMany([{ key: ['a', 'incremental', '1'], data: bytes(1) }, unstorable])).rejects.toThrow();
    expect(await storage.keys()).toEqual([]);
  });
});

describe('stored documents over IndexedDBStorage', () => {
  it("bulk-written relay chunks are loaded by the repo with the document's own chunks", async () => {
    const name = freshName();
    const storage = new IndexedDBStorage(name);
    const base = A.from<Doc>({ lines: ['on this device'] });
    const { documentId } = parseAutomergeUrl(generateAutomergeUrl());
    await storage.save([documentId, 'snapshot', 'own'], A.save(base));
    const fromRelay = A.change(A.clone(base), (d) => void d.lines.push('from the relay'));
    const documents = createStoredDocuments(storage);
    await documents.putChunks([{ documentId, name: 'relay-c1', data: A.saveSince(fromRelay, A.getHeads(base)) }]);

    expect(await documents.ids()).toEqual(new Set([documentId]));
    expect(await documents.ids(true)).toEqual(new Set([documentId]));
    expect(await findLines(new IndexedDBStorage(name), documentId)).toEqual(['from the relay', 'on this device']);
  });

  it("a document received whole from the relay is stored as a snapshot: the repo's first save of it writes only the change", async () => {
    const name = freshName();
    const saved: StorageKey[] = [];
    class Counting extends IndexedDBStorage {
      override save(key: StorageKey, data: Uint8Array): Promise<void> {
        saved.push(key);
        return super.save(key, data);
      }
    }
    const storage = new Counting(name);
    // more than 1 KiB (automerge-repo compacts anything smaller at every save)
    const whole = A.from<Doc>({ lines: Array.from({ length: 200 }, (_, i) => `line ${i} ${crypto.randomUUID()}`) });
    const { documentId } = parseAutomergeUrl(generateAutomergeUrl());
    const documents = createStoredDocuments(storage);
    await documents.putChunks([{ documentId, name: 'relay-c1', data: A.save(whole) }]);
    expect(await documents.loadChunk(documentId, 'relay-c1')).toEqual(A.save(whole));
    expect((await documents.relayChunks(documentId)).map((c) => c.name)).toEqual(['relay-c1']);

    const repo = new Repo({ storage, network: [], peerId: 'device' as PeerId });
    try {
      const handle = await repo.find<Doc>(`automerge:${documentId}` as ReturnType<typeof generateAutomergeUrl>);
      saved.length = 0;
      handle.change((d) => void d.lines.push('edited here'));
      await repo.flush();
      expect(saved.map((k) => k[1])).toContain('incremental');
      expect(saved.map((k) => k[1])).not.toContain('snapshot');
    } finally {
      await repo.shutdown();
    }
    expect(await findLines(new IndexedDBStorage(name), documentId)).toContain('edited here');
    await documents.removeChunk(documentId, 'relay-c1');
    expect(await documents.loadChunk(documentId, 'relay-c1')).toBeUndefined();
  });

  it('a document whose every chunk came from the relay is left out of the own ids', async () => {
    const storage = new IndexedDBStorage(freshName());
    const documents = createStoredDocuments(storage);
    await documents.put([{ documentId: 'relayonly', data: A.save(A.from<Doc>({ lines: [] })) }], 'relay-bundle');
    await storage.save(['relayonly', 'sync-state', 'peer'], bytes(1));
    await storage.save(['statesonly', 'sync-state', 'peer'], bytes(1));
    expect(await documents.ids()).toEqual(new Set(['relayonly']));
    expect(await documents.ids(true)).toEqual(new Set());
  });
});
