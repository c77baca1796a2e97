/**
 * Storage failures and limits: a full disk (a storage adapter that throws ENOSPC on writes) is
 * reported, never acknowledged as saved, loses nothing already on disk, does not take the
 * relay or other accounts down, and once space is back the client's changes land. The
 * per-account document and byte limits refuse with a clear close reason and keep what is
 * stored intact.
 */
import { next as A } from '@automerge/automerge';
import { decodeHeads, parseAutomergeUrl, type Chunk, type DocumentId, type StorageAdapterInterface, type StorageKey } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { describe, expect, it } from 'vitest';
import { accountDocumentsDir } from '../../server/accounts.ts';
import { CLOSE } from '../../server/message-guard.ts';
import { startRelay } from '../../server/relay.ts';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import {
  automergeUrl,
  connectClient,
  findOnRelay,
  relayPeer,
  sameHeads,
  sleep,
  waitFor,
  waitForAck,
  type Client,
  cleanupAfterEach,
} from './helpers.ts';

const { track, tempRelay } = cleanupAfterEach();

/** A relay with these limits (its log lines collected) and a client of its account "alice". */
async function limitedRelay(prefix: string, limits: NonNullable<Parameters<typeof startRelay>[0]['limits']>) {
  const logs: string[] = [];
  const { tmp, relay } = await tempRelay(prefix, { log: (l) => logs.push(l), limits });
  const { account, token } = await relay.accounts.create('alice');
  const a = track(connectClient(relay.url, token));
  return { tmp, logs, relay, account, token, a };
}

/** Wraps an account's storage; while `full`, every write fails as on a full disk. */
class DiskThatFills implements StorageAdapterInterface {
  full = false;
  failedWrites = 0;
  constructor(private readonly inner: StorageAdapterInterface) {}
  load(key: StorageKey): Promise<Uint8Array | undefined> {
    return this.inner.load(key);
  }
  loadRange(prefix: StorageKey): Promise<Chunk[]> {
    return this.inner.loadRange(prefix);
  }
  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    if (this.full) {
      this.failedWrites++;
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    }
    return this.inner.save(key, data);
  }
  remove(key: StorageKey): Promise<void> {
    return this.inner.remove(key);
  }
  removeRange(prefix: StorageKey): Promise<void> {
    return this.inner.removeRange(prefix);
  }
}

/** A document as a restarted relay would read it: from the files, through the stock adapter. */
async function fromDisk<T>(dir: string, documentId: DocumentId): Promise<T | null> {
  const disk = new NodeFSStorageAdapter(dir);
  const chunks = [...(await disk.loadRange([documentId, 'snapshot'])), ...(await disk.loadRange([documentId, 'incremental']))];
  let doc = A.init<T>();
  for (const c of chunks) if (c.data) doc = A.loadIncremental(doc, c.data);
  return chunks.length > 0 ? doc : null;
}

/** The heads the relay last acknowledged to this client for the handle's document. */
function ackedHeads(client: Client, handle: { getSyncInfo(id: never): { lastHeads: string[] } | undefined }): string[] {
  const peer = relayPeer(client.repo);
  const storageId = peer ? client.repo.getStorageIdOfPeer(peer) : undefined;
  return (storageId ? handle.getSyncInfo(storageId as never)?.lastHeads : undefined) ?? [];
}

describe('a full disk', () => {
  it('is reported, acknowledges nothing, loses nothing, and recovers when space is back', async () => {
    const logs: string[] = [];
    const disks = new Map<string, DiskThatFills>();
    const { tmp, relay } = await tempRelay('full-disk', {
      log: (l) => logs.push(l),
      wrapStorage: (accountId, storage) => {
        const disk = new DiskThatFills(storage);
        disks.set(accountId, disk);
        return disk;
      },
    });
    const alice = await relay.accounts.create('alice');
    const bob = await relay.accounts.create('bob');
    const docsDir = accountDocumentsDir(tmp.dir, alice.account.id);
    const { documentId } = parseAutomergeUrl(automergeUrl(alice.account.workspaceUrl));

    const a = track(connectClient(relay.url, alice.token));
    const h = await findOnRelay<WorkspaceDoc>(a, alice.account.workspaceUrl);
    for (let i = 0; i < 5; i++) {
      h.change((d) => addPresetEntry(d, `saved-${i}`, 'automerge:x'));
      await waitForAck(a, h);
    }
    const savedHeads = h.heads();

    // The disk fills up.
    disks.get(alice.account.id)!.full = true;
    for (let i = 0; i < 3; i++) h.change((d) => addPresetEntry(d, `unsaved-${i}`, 'automerge:x'));
    await waitFor(() => a.closes.some((c) => c.code === CLOSE.internalError && c.reason === 'relay storage error'), 'the socket to be closed for a storage error');
    expect(logs.some((l) => /could not save a document \(ENOSPC: no space left on device/.test(l) && l.includes('not acknowledged'))).toBe(true);
    await sleep(500); // the client keeps reconnecting and retrying meanwhile
    expect(sameHeads(ackedHeads(a, h as never), h.heads())).toBe(false); // never acknowledged
    expect(disks.get(alice.account.id)!.failedWrites).toBeGreaterThan(0);
    // storage errors are logged sparingly while the client keeps retrying
    expect(logs.filter((l) => l.includes('could not save a document')).length).toBeLessThanOrEqual(2);

    // Nothing that was saved is lost or damaged.
    const onDisk = await fromDisk<WorkspaceDoc>(docsDir, documentId);
    expect(Object.keys(onDisk?.presets ?? {}).sort()).toEqual(['saved-0', 'saved-1', 'saved-2', 'saved-3', 'saved-4']);
    expect(sameHeads(A.getHeads(onDisk!), decodeHeads(savedHeads))).toBe(true);

    // The relay and other accounts carry on.
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    const b = track(connectClient(relay.url, bob.token));
    const hb = await findOnRelay<WorkspaceDoc>(b, bob.account.workspaceUrl);
    hb.change((d) => addPresetEntry(d, 'bob-preset', 'automerge:y'));
    await waitForAck(b, hb);

    // Space is back: the client's retries land, and are acknowledged only now.
    disks.get(alice.account.id)!.full = false;
    await waitForAck(a, h).catch((e) => { console.log(logs.join("\n")); console.log(JSON.stringify(a.closes.slice(-5))); throw e; });
    const recovered = await fromDisk<WorkspaceDoc>(docsDir, documentId);
    expect(Object.keys(recovered?.presets ?? {})).toHaveLength(8);
    expect(logs.join('\n')).not.toContain(alice.token);
  });
});

describe('account limits', () => {
  it('a new document past the document limit is refused with 4507; existing ones keep syncing', async () => {
    const { tmp, logs, relay, account, token, a } = await limitedRelay('doc-limit', { maxDocumentsPerAccount: 3 });
    const ws = await findOnRelay<WorkspaceDoc>(a, account.workspaceUrl); // document 1
    const d2 = a.repo.create<{ n: number }>({ n: 2 });
    const d3 = a.repo.create<{ n: number }>({ n: 3 });
    await waitForAck(a, d2);
    await waitForAck(a, d3);

    const d4 = a.repo.create<{ n: number }>({ n: 4 });
    await waitFor(() => a.closes.some((c) => c.code === CLOSE.quotaExceeded && c.reason === 'account document limit reached'), 'the refusal');
    expect(logs.some((l) => l.includes('account document limit reached (3)'))).toBe(true);
    expect((await relay.stats()).accounts[0]?.storedDocuments).toBe(3);
    expect(await fromDisk(accountDocumentsDir(tmp.dir, account.id), d4.documentId)).toBeNull();

    // The stored documents are intact and still sync (the client reconnects by itself).
    d3.change((d) => {
      d.n = 33;
    });
    ws.change((d) => addPresetEntry(d, 'still-syncing', 'automerge:x'));
    const b = track(connectClient(relay.url, token));
    const hb3 = await findOnRelay<{ n: number }>(b, d3.url);
    await waitFor(() => hb3.doc().n === 33, 'the edit to an existing document to arrive');
    const hbw = await b.repo.find<WorkspaceDoc>(automergeUrl(account.workspaceUrl));
    await waitFor(() => hbw.doc().presets['still-syncing'] !== undefined, 'the workspace edit to arrive');
    await expect(b.repo.find(d4.url)).rejects.toThrow(/unavailable/);
  });

  it('a write past the byte limit is refused with 4507 and what is stored stays intact', async () => {
    const { tmp, logs, relay, account, token, a } = await limitedRelay('byte-limit', { maxAccountBytes: 60_000 });
    await findOnRelay(a, account.workspaceUrl);
    const random = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(Math.random() * 256))).toString('base64');
    const small = a.repo.create<{ blob: string }>({ blob: random(10_000) });
    await waitForAck(a, small);
    const big = a.repo.create<{ blob: string }>({ blob: random(80_000) });
    await waitFor(() => a.closes.some((c) => c.code === CLOSE.quotaExceeded && c.reason === 'account storage limit reached'), 'the refusal');
    expect(logs.some((l) => l.includes('account storage limit reached (60000 bytes)'))).toBe(true);
    const stats = (await relay.stats()).accounts[0]!;
    expect(stats.storedBytes).toBeLessThanOrEqual(60_000);
    const dir = accountDocumentsDir(tmp.dir, account.id);
    expect((await fromDisk<{ blob: string }>(dir, small.documentId))?.blob).toBe(small.doc().blob);
    expect(await fromDisk(dir, big.documentId)).toBeNull();
  });
});
