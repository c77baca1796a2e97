import { describe, expect, it } from 'vitest';
import { Repo, type Chunk, type StorageAdapterInterface, type StorageKey } from '@automerge/automerge-repo';
import { JournaledStorage, type JournalStore } from './journaled-storage.ts';

/** Storage whose writes can be made to never commit, as when Chromium aborts them at unload. */
class MemoryStorage implements StorageAdapterInterface {
  readonly data = new Map<string, { key: StorageKey; data: Uint8Array }>();
  dropWrites = false;
  async load(key: StorageKey) {
    return this.data.get(JSON.stringify(key))?.data;
  }
  save(key: StorageKey, data: Uint8Array): Promise<void> {
    if (this.dropWrites) return new Promise(() => undefined);
    this.data.set(JSON.stringify(key), { key, data });
    return Promise.resolve();
  }
  async remove(key: StorageKey) {
    this.data.delete(JSON.stringify(key));
  }
  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    return [...this.data.values()].filter((c) => prefix.every((p, i) => c.key[i] === p));
  }
  async removeRange(prefix: StorageKey) {
    for (const c of await this.loadRange(prefix)) this.data.delete(JSON.stringify(c.key));
  }
}

function memoryJournal(): JournalStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

interface Note {
  text: string;
}

describe('JournaledStorage', () => {
  it('keeps an edit whose write was cut off by the page going away, and replays it on the next start', async () => {
    const disk = new MemoryStorage();
    const journal = memoryJournal();
    const storage = new JournaledStorage(disk, journal);
    const repo = new Repo({ storage, network: [] });
    const handle = repo.create<Note>({ text: 'saved' });
    await repo.flush();

    disk.dropWrites = true; // from now on nothing reaches the disk: the page is unloading
    handle.change((d) => {
      d.text = 'typed just before closing';
    });
    void repo.flush();
    expect(storage.journal()).toBeGreaterThan(0);
    expect(journal.map.size).toBeGreaterThan(0);
    repo.shutdown().catch(() => undefined);

    // next start, same disk and same localStorage
    disk.dropWrites = false;
    const storage2 = new JournaledStorage(disk, journal);
    const repo2 = new Repo({ storage: storage2, network: [] });
    const again = await repo2.find<Note>(handle.url);
    expect(again.doc().text).toBe('typed just before closing');
    expect(journal.map.size).toBe(0);
    await repo2.shutdown();
  });

  it('empties the journal once writes commit, and a damaged entry does not stop the start', async () => {
    const disk = new MemoryStorage();
    const journal = memoryJournal();
    journal.setItem('atelier:journal:not json', 'AAAA');
    journal.setItem('atelier:journal:["x","incremental","y"]', '%%% not base64');
    journal.setItem('other-app-key', 'kept');
    const storage = new JournaledStorage(disk, journal);
    await storage.ready;
    expect([...journal.map.keys()]).toEqual(['other-app-key']);

    const repo = new Repo({ storage, network: [] });
    const handle = repo.create<Note>({ text: 'one' });
    handle.change((d) => {
      d.text = 'two';
    });
    void repo.flush();
    storage.journal(); // pagehide fired, but the page stayed (back/forward cache)
    await repo.flush();
    await new Promise((r) => setTimeout(r, 0));
    expect([...journal.map.keys()]).toEqual(['other-app-key']);
    await repo.shutdown();
  });

  it('forgets a journaled chunk that storage removes (compaction, deleted document)', async () => {
    const disk = new MemoryStorage();
    const journal = memoryJournal();
    const storage = new JournaledStorage(disk, journal);
    await storage.ready;
    disk.dropWrites = true;
    void storage.save(['doc', 'incremental', 'a'], new Uint8Array([1]));
    void storage.save(['doc', 'incremental', 'b'], new Uint8Array([2]));
    void storage.save(['other', 'incremental', 'c'], new Uint8Array([3]));
    await new Promise((r) => setTimeout(r, 0));
    expect(storage.journal()).toBe(3);
    await storage.remove(['doc', 'incremental', 'a']);
    await storage.removeRange(['other']);
    expect(storage.journal()).toBe(1);
    expect([...journal.map.keys()]).toEqual(['atelier:journal:["doc","incremental","b"]']);
  });

  it("reports each document whose content is saved, before the write and even if it never commits, but not sync states nor the storage id", async () => {
    const inner = new MemoryStorage();
    const saved: string[] = [];
    const repo = new Repo({ storage: new JournaledStorage(inner, memoryJournal(), (id) => saved.push(id)), network: [] });
    const h = repo.create({ n: 1 });
    await repo.flush();
    expect(saved).toContain(h.documentId);
    inner.dropWrites = true;
    saved.length = 0;
    h.change((d) => {
      d.n = 2;
    });
    void repo.flush();
    await expect.poll(() => saved).toContain(h.documentId);
    saved.length = 0;
    const storage = new JournaledStorage(new MemoryStorage(), undefined, (id) => saved.push(id));
    await storage.save([h.documentId, 'sync-state', 'peer-storage-id'], new Uint8Array([1]));
    // nor the repo's own id (it is not a document: the ledger kept it as "unsynced" forever)
    await storage.save(['storage-adapter-id'], new Uint8Array([1]));
    expect(saved).toEqual([]);
  });

  it('a write the journal cannot hold at pagehide (quota) is reported for its document, not swallowed', async () => {
    const disk = new MemoryStorage();
    const full = memoryJournal();
    full.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    const failed: string[] = [];
    const storage = new JournaledStorage(disk, full, undefined, { written: () => undefined, failed: (id) => failed.push(id) });
    await storage.ready;
    disk.dropWrites = true;
    void storage.save(['doc', 'incremental', 'a'], new Uint8Array([1]));
    void storage.save(['doc', 'sync-state', 'peer'], new Uint8Array([2])); // not journaled, so not reported
    expect(storage.journal()).toBe(0);
    expect(failed).toEqual(['doc']);
  });

  it('a journaled write that IndexedDB refuses at the next start stays in the journal and is reported', async () => {
    const journal = memoryJournal();
    const disk = new MemoryStorage();
    const first = new JournaledStorage(disk, journal);
    await first.ready;
    disk.dropWrites = true;
    void first.save(['doc', 'incremental', 'a'], new Uint8Array([7]));
    expect(first.journal()).toBe(1);

    // next start: IndexedDB refuses every write
    const refusing = new MemoryStorage();
    refusing.save = () => Promise.reject(new DOMException('refused', 'UnknownError'));
    const failed: string[] = [];
    const second = new JournaledStorage(refusing, journal, undefined, { written: () => undefined, failed: (id) => failed.push(id) });
    await second.ready;
    expect(failed).toEqual(['doc']);
    expect([...journal.map.keys()]).toEqual(['atelier:journal:["doc","incremental","a"]']);

    // the start after that: IndexedDB works again and gets the write
    const disk3 = new MemoryStorage();
    await new JournaledStorage(disk3, journal).ready;
    expect(await disk3.load(['doc', 'incremental', 'a'])).toEqual(new Uint8Array([7]));
    expect(journal.map.size).toBe(0);
  });
});
