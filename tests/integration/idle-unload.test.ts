/**
 * Idle unloading: documents nobody syncs are written out and dropped from memory, an account
 * without connections is closed; everything is served again, complete, from disk — to a
 * client that stayed connected throughout and to a new one. No timing assertions on memory:
 * the relay's own counts say what is loaded.
 */
import { next as A } from '@automerge/automerge';
import type { DocumentId } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { describe, expect, it } from 'vitest';
import type { Relay } from '../../server/relay.ts';
import { accountDocumentsDir } from '../../server/accounts.ts';
import { AtomicFSStorageAdapter } from '../../server/doc-storage.ts';
import { connectClient, findOnRelay, sleep, waitConverged, waitFor, waitForAck, type Client, cleanupAfterEach } from './helpers.ts';

const { track, tempRelay } = cleanupAfterEach();

interface Note {
  title: string;
  lines: string[];
}

/** A document as a restarted relay would read it: the files alone, through the stock adapter. */
async function fromDisk<T>(dataDir: string, accountId: string, documentId: DocumentId): Promise<T | null> {
  const disk = new NodeFSStorageAdapter(accountDocumentsDir(dataDir, accountId));
  const chunks = [...(await disk.loadRange([documentId, 'snapshot'])), ...(await disk.loadRange([documentId, 'incremental']))];
  let doc = A.init<T>();
  for (const c of chunks) if (c.data) doc = A.loadIncremental(doc, c.data);
  return chunks.length > 0 ? (JSON.parse(JSON.stringify(doc)) as T) : null;
}

async function loaded(relay: Relay, accountId: string): Promise<number | null> {
  const acc = (await relay.stats()).accounts.find((a) => a.accountId === accountId);
  return acc ? acc.loadedDocuments : null;
}

describe('idle unloading', () => {
  it('unloads idle documents while clients stay connected, and reloads them on demand', async () => {
    const { tmp, relay } = await tempRelay('idle-docs', { idle: { documentMs: 300, accountMs: 60_000, maxLoadedDocuments: 0 } });
    const { account, token } = await relay.accounts.create('alice');

    const a = track(connectClient(relay.url, token));
    const b = track(connectClient(relay.url, token));
    await findOnRelay(a, account.workspaceUrl);
    const handles = Array.from({ length: 12 }, (_, i) => a.repo.create<Note>({ title: `note ${i}`, lines: [`first line of ${i}`] }));
    for (const h of handles) await waitForAck(a, h);
    // b opens half of them, so the relay syncs those with two peers
    const bHandles = await Promise.all(handles.slice(0, 6).map((h) => b.repo.find<Note>(h.url)));

    await waitFor(async () => (await loaded(relay, account.id)) === 0, 'every document to be unloaded');
    // On disk, untouched by the unloading (checked from the files, not through a client that
    // would push its own copy back): automerge-repo 2.5.6's removeFromCache alone writes an
    // empty document over each one ~100 ms later.
    await sleep(400);
    for (let i = 0; i < handles.length; i++) {
      expect(await fromDisk<Note>(tmp.dir, account.id, handles[i]!.documentId)).toEqual({ title: `note ${i}`, lines: [`first line of ${i}`] });
    }

    // An edit on a connected client reaches the other client through reloaded documents.
    for (let i = 0; i < 6; i++) handles[i]!.change((d) => void d.lines.push(`edit after unload ${i}`));
    for (let i = 0; i < 6; i++) await waitConverged(handles[i]!, bHandles[i]!);
    for (let i = 0; i < 6; i++) expect(bHandles[i]!.doc().lines).toEqual([`first line of ${i}`, `edit after unload ${i}`]);
    for (const h of handles.slice(0, 6)) await waitForAck(a, h);

    // ...and the edits were written before the documents went again.
    await waitFor(async () => (await loaded(relay, account.id)) === 0, 'the edited documents to be unloaded again');
    await sleep(300);
    for (let i = 0; i < 6; i++) {
      expect((await fromDisk<Note>(tmp.dir, account.id, handles[i]!.documentId))?.lines).toEqual([`first line of ${i}`, `edit after unload ${i}`]);
    }
    const fresh = track(connectClient(relay.url, token));
    for (let i = 0; i < handles.length; i++) {
      const h = await findOnRelay<Note>(fresh, handles[i]!.url);
      expect(h.doc().title).toBe(`note ${i}`);
      expect(h.doc().lines).toEqual(i < 6 ? [`first line of ${i}`, `edit after unload ${i}`] : [`first line of ${i}`]);
    }
  });

  it('keeps at most maxLoadedDocuments loaded, unloading the least recently used', async () => {
    const { tmp, relay } = await tempRelay('idle-lru', { idle: { documentMs: 200, accountMs: 60_000, maxLoadedDocuments: 5 } });
    const { account, token } = await relay.accounts.create('alice');
    const a = track(connectClient(relay.url, token));
    await findOnRelay(a, account.workspaceUrl);
    const handles = Array.from({ length: 15 }, (_, i) => a.repo.create<Note>({ title: `n${i}`, lines: [] }));
    for (const h of handles) await waitForAck(a, h);
    await waitFor(async () => ((await loaded(relay, account.id)) ?? 99) <= 5, 'the loaded count to fall to the cap');
    // keep touching three documents: they stay loaded while the cap pushes others out
    for (let round = 0; round < 3; round++) {
      for (const h of handles.slice(0, 3)) h.change((d) => void d.lines.push(`round ${round}`));
      for (const h of handles.slice(0, 3)) await waitForAck(a, h);
      await relay.sweep();
      expect(await loaded(relay, account.id)).toBeLessThanOrEqual(5);
    }
  });

  it('closes an account left without connections and reopens it for the next client, every document intact', async () => {
    const logs: string[] = [];
    const { tmp, relay } = await tempRelay('idle-account', { idle: { documentMs: 60_000, accountMs: 300, maxLoadedDocuments: 0 }, log: (l) => logs.push(l) });
    const { account, token } = await relay.accounts.create('alice');
    const other = await relay.accounts.create('bob');

    const a = track(connectClient(relay.url, token));
    const bob = track(connectClient(relay.url, other.token));
    await findOnRelay(a, account.workspaceUrl);
    await findOnRelay(bob, other.account.workspaceUrl);
    const handles = Array.from({ length: 20 }, (_, i) => a.repo.create<Note>({ title: `doc ${i}`, lines: ['x'.repeat(i * 50)] }));
    for (const h of handles) h.change((d) => void d.lines.push('second'));
    for (const h of handles) await waitForAck(a, h);
    await a.close();

    await waitFor(async () => (await loaded(relay, account.id)) === null, "alice's account to be closed");
    expect(logs.some((l) => l.includes(`sync[${account.id}]: account unloaded`))).toBe(true);
    // bob stayed connected: his account stays open
    await sleep(400);
    expect(await loaded(relay, other.account.id)).not.toBeNull();

    const usage = await new AtomicFSStorageAdapter(accountDocumentsDir(tmp.dir, account.id)).scanUsage();
    expect(usage.documents.size).toBe(21); // the workspace and the 20 documents

    const fresh = track(connectClient(relay.url, token));
    for (let i = 0; i < handles.length; i++) {
      const h = await findOnRelay<Note>(fresh, handles[i]!.url);
      expect(h.doc()).toEqual({ title: `doc ${i}`, lines: ['x'.repeat(i * 50), 'second'] });
    }
    expect(await loaded(relay, account.id)).not.toBeNull();
  });
});
