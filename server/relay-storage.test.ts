import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { next as A } from '@automerge/automerge';
import { generateAutomergeUrl, parseAutomergeUrl, type Chunk, type DocumentId, type StorageAdapterInterface, type StorageKey } from '@automerge/automerge-repo';
import { afterAll, describe, expect, it } from 'vitest';
import { AtomicFSStorageAdapter } from './doc-storage.ts';
import { RelayStorageSubsystem, UnsafeSaveError } from './relay-storage.ts';

const root = mkdtempSync(path.join(tmpdir(), 'atelier-relay-storage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === '.tmp') continue;
      if (e.isDirectory()) walk(path.join(d, e.name));
      else out.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

class Switchable implements StorageAdapterInterface {
  failSaves = false;
  /** while set, removals wait for it */
  holdRemoves: Promise<void> | null = null;
  /** what reached the disk, in order: `save <key>` when a save starts, `removed` when a removal ends */
  readonly log: string[] = [];
  constructor(readonly inner: StorageAdapterInterface) {}
  load(k: StorageKey) {
    return this.inner.load(k);
  }
  loadRange(k: StorageKey): Promise<Chunk[]> {
    return this.inner.loadRange(k);
  }
  async save(k: StorageKey, d: Uint8Array) {
    if (this.failSaves) throw new Error('ENOSPC');
    this.log.push(`save ${k.join('/')}`);
    return this.inner.save(k, d);
  }
  async remove(k: StorageKey) {
    await this.holdRemoves;
    await this.inner.remove(k);
    this.log.push('removed');
  }
  removeRange(k: StorageKey) {
    return this.inner.removeRange(k);
  }
}

function setup() {
  const dir = path.join(root, `s${++n}`);
  const disk = new Switchable(new AtomicFSStorageAdapter(dir));
  const errors: unknown[] = [];
  const storage = new RelayStorageSubsystem(disk, { onError: (e) => errors.push(e) });
  const id = parseAutomergeUrl(generateAutomergeUrl()).documentId as DocumentId;
  return { dir, disk, errors, storage, id };
}

function big(i: number): A.Doc<{ items: string[] }> {
  let d = A.from<{ items: string[] }>({ items: [] });
  for (let k = 0; k < i; k++) d = A.change(d, (x) => void x.items.push(`item ${k} `.repeat(20)));
  return d;
}

describe('RelayStorageSubsystem', () => {
  it('never writes an empty document, nor one that lacks what is on disk', async () => {
    const { dir, storage, id } = setup();
    const doc = big(30);
    await storage.saveDocStrict(id, doc);
    const before = files(dir);
    // what automerge-repo's removeFromCache hands the repo's save: an empty document
    await storage.saveDocStrict(id, A.init());
    await storage.saveDoc(id, A.init());
    // a document with another history under the same id
    await expect(storage.saveDocStrict(id, A.from({ other: true }))).rejects.toThrow(UnsafeSaveError);
    expect(files(dir)).toEqual(before);
    const fresh = new RelayStorageSubsystem(new AtomicFSStorageAdapter(dir), { onError: () => {} });
    expect((await fresh.loadDoc<{ items: string[] }>(id))?.items).toHaveLength(30);
  });

  it('writes nothing for a document unchanged since it was loaded, and incrementals then compaction after changes', async () => {
    const { dir, storage, id } = setup();
    let doc = big(40);
    await storage.saveDocStrict(id, doc);
    const reader = new RelayStorageSubsystem(new AtomicFSStorageAdapter(dir), { onError: () => {} });
    let loaded = (await reader.loadDoc<{ items: string[] }>(id))!;
    const before = files(dir);
    await reader.saveDocStrict(id, loaded);
    expect(files(dir)).toEqual(before); // a read is not a write
    for (let k = 0; k < 3; k++) {
      loaded = A.change(loaded, (x) => void x.items.push(`more ${k}`));
      await reader.saveDocStrict(id, loaded);
    }
    expect(files(dir).filter((f) => f.includes('/incremental/'))).toHaveLength(3);
    doc = loaded;
    for (let k = 0; k < 60; k++) doc = A.change(doc, (x) => void x.items.push(`bulk ${k} `.repeat(30)));
    await reader.saveDocStrict(id, doc); // one big incremental: now they outgrow the snapshot...
    expect(files(dir).filter((f) => !f.startsWith('st/'))).toHaveLength(5);
    doc = A.change(doc, (x) => void x.items.push('last'));
    await reader.saveDocStrict(id, doc); // ...so the next save is followed by a compaction into one snapshot
    await expect.poll(() => files(dir).filter((f) => !f.startsWith('st/'))).toHaveLength(1);
    const again = new RelayStorageSubsystem(new AtomicFSStorageAdapter(dir), { onError: () => {} });
    expect((await again.loadDoc<{ items: string[] }>(id))?.items).toHaveLength(104);
  });

  it("a change's save writes the change alone; the compaction follows it, a save of the same document is answered at once, the next change waits for the removals", async () => {
    const { dir, disk, storage, id } = setup();
    let doc = big(1);
    await storage.saveDocStrict(id, doc);
    for (let k = 0; k < 8; k++) {
      doc = A.change(doc, (x) => void x.items.push(`bulk ${k} `.repeat(300)));
      await storage.saveDocStrict(id, doc);
    }
    const chunks = () => files(dir).filter((f) => !f.startsWith('st/'));
    const snapshots = () => chunks().filter((f) => f.includes('/snapshot/'));
    const before = chunks().length;
    let release = () => {};
    disk.holdRemoves = new Promise((r) => (release = r));
    doc = A.change(doc, (x) => void x.items.push('compacts'));
    await storage.saveDocStrict(id, doc);
    // answered once the change is written: the compaction is not on its path
    expect(chunks()).toHaveLength(before + 1);
    expect(snapshots()).toHaveLength(1);
    await expect.poll(snapshots).toHaveLength(2); // it follows (its removals held)
    // the same document again (the other messages of a fan-out): on disk already, so answered
    // while the removals are still held (were it queued behind them, this would never resolve)
    expect(await storage.saveDocStrict(id, doc)).toBe(false);
    doc = A.change(doc, (x) => void x.items.push('next'));
    const from = disk.log.length;
    const next = storage.saveDocStrict(id, doc);
    release();
    await next;
    // queued behind the removals: saves of one document stay in order (a save let through early
    // would have started while the removals were still held, before any of them ended)
    const after = disk.log.slice(from);
    expect(after).toContain('removed');
    const nextSave = after.findIndex((e) => e.startsWith('save ') && e.includes('/incremental/'));
    expect(nextSave).toBeGreaterThan(after.lastIndexOf('removed'));
    expect(chunks()).toHaveLength(2); // the snapshot and the next change
    const fresh = new RelayStorageSubsystem(new AtomicFSStorageAdapter(dir), { onError: () => {} });
    expect((await fresh.loadDoc<{ items: string[] }>(id))?.items.at(-1)).toBe('next');
  });

  it('a document being edited gets an incremental per change, not a rewrite, and one snapshot again when compacted on unload', async () => {
    const { dir, storage, id } = setup();
    let doc = big(2);
    await storage.saveDocStrict(id, doc);
    const chunks = () => files(dir).filter((f) => !f.startsWith('st/'));
    expect(chunks()).toHaveLength(1);
    for (let k = 0; k < 40; k++) {
      doc = A.change(doc, (x) => void x.items.push(`token ${k}`));
      await storage.saveDocStrict(id, doc);
    }
    expect(chunks().filter((f) => f.includes('/incremental/'))).toHaveLength(40);
    expect(chunks().filter((f) => f.includes('/snapshot/'))).toHaveLength(1);
    // not when something in memory is not written yet: that is saveDocStrict's job
    const ahead = A.change(A.clone(doc), (x) => void x.items.push('not written'));
    await storage.compact(id, ahead);
    expect(chunks()).toHaveLength(41);
    await storage.compact(id, doc);
    expect(chunks()).toHaveLength(1);
    await storage.compact(id, doc); // nothing new since: nothing to do
    expect(chunks()).toHaveLength(1);
    const fresh = new RelayStorageSubsystem(new AtomicFSStorageAdapter(dir), { onError: () => {} });
    expect((await fresh.loadDoc<{ items: string[] }>(id))?.items).toHaveLength(42);
  });

  it('a failed write (full disk) loses nothing: strict saves throw, background saves report, later saves catch up', async () => {
    const { dir, disk, errors, storage, id } = setup();
    let doc = big(5);
    await storage.saveDocStrict(id, doc);
    const before = files(dir);
    disk.failSaves = true;
    doc = A.change(doc, (x) => void x.items.push('while full'));
    await expect(storage.saveDocStrict(id, doc)).rejects.toThrow('ENOSPC');
    await expect(storage.saveDoc(id, doc)).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(files(dir)).toEqual(before); // the old snapshot is still there
    disk.failSaves = false;
    await storage.saveDocStrict(id, doc);
    const fresh = new RelayStorageSubsystem(new AtomicFSStorageAdapter(dir), { onError: () => {} });
    expect((await fresh.loadDoc<{ items: string[] }>(id))?.items.at(-1)).toBe('while full');
  });

  it('loads documents the cheap way (A.load), with the same content as the library would', async () => {
    const { dir, storage, id } = setup();
    const doc = big(20);
    await storage.saveDocStrict(id, doc);
    const loaded = await new RelayStorageSubsystem(new AtomicFSStorageAdapter(dir), { onError: () => {} }).loadDoc<{ items: string[] }>(id);
    expect(loaded).toEqual(doc);
    expect(A.getHeads(loaded!)).toEqual(A.getHeads(doc));
  });
});
