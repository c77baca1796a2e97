import * as A from '@automerge/automerge';
import { generateAutomergeUrl, parseAutomergeUrl, Repo, type Chunk, type PeerId, type StorageAdapterInterface, type StorageKey } from '@automerge/automerge-repo';
import { describe, expect, it } from 'vitest';
import { mergeLateLoads } from './merge-late-loads.ts';

type Doc = { title: string; lines: string[] };

/** In memory; loads of chunks wait until `release()` (a busy IndexedDB). */
class SlowStorage implements StorageAdapterInterface {
  readonly data = new Map<string, { key: StorageKey; bytes: Uint8Array }>();
  #gate: Promise<void>;
  release!: () => void;
  constructor() {
    this.#gate = new Promise((r) => (this.release = r));
  }
  async load(key: StorageKey) {
    return this.data.get(key.join('/'))?.bytes;
  }
  async save(key: StorageKey, bytes: Uint8Array) {
    this.data.set(key.join('/'), { key, bytes });
  }
  async remove(key: StorageKey) {
    this.data.delete(key.join('/'));
  }
  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    if (prefix[1] === 'snapshot' || prefix[1] === 'incremental') await this.#gate;
    return [...this.data.values()].filter(({ key }) => prefix.every((p, i) => key[i] === p)).map(({ key, bytes }) => ({ key, data: bytes }));
  }
  async removeRange(prefix: StorageKey) {
    for (const [k, { key }] of this.data) if (prefix.every((p, i) => key[i] === p)) this.data.delete(k);
  }
}

async function scenario(withFix: boolean): Promise<Doc> {
  // The relay's copy has a change this device's storage lacks.
  let relayCopy = A.from<Doc>({ title: 'workspace', lines: [] });
  const older = A.clone(relayCopy);
  relayCopy = A.change(relayCopy, (d) => void d.lines.push('from the relay'));
  const url = generateAutomergeUrl();
  const { documentId } = parseAutomergeUrl(url);
  // Storage holds the older copy and answers late (IndexedDB busy with the bundle's writes).
  const storage = new SlowStorage();
  await storage.save([documentId, 'snapshot', 'older'], A.save(older));
  const device = new Repo({ storage, network: [], peerId: 'device' as PeerId });
  if (withFix) mergeLateLoads(device);
  try {
    const found = device.find<Doc>(url);
    // What feedWaitingHandles does with the bundle's record: the handle turns ready before its load ends.
    await expect.poll(() => device.handles[documentId] !== undefined).toBe(true);
    device.handles[documentId]!.update((doc) => A.loadIncremental(doc, A.save(relayCopy)));
    // Another find() of it (pairing's, the page's) gets the ready handle at once and changes it.
    const handle = await device.find<Doc>(url);
    handle.change((d) => void d.lines.push('merged on this device'));
    storage.release();
    await found;
    await new Promise((r) => setTimeout(r, 50));
    return handle.doc();
  } finally {
    await device.shutdown();
  }
}

describe('mergeLateLoads', () => {
  it('keeps a change made after the relay answered when the storage load ends later', async () => {
    const doc = await scenario(true);
    expect([...doc.lines].sort()).toEqual(['from the relay', 'merged on this device']);
  });

  it('is needed: without it, automerge-repo puts the stored copy in place of the document', async () => {
    const doc = await scenario(false);
    expect(doc.lines).not.toContain('merged on this device');
  });
});
