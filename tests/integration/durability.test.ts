/**
 * What the relay acknowledges is on disk: checked at the moment of each acknowledgement, then
 * end to end with `kill -9` and a restart; and SIGTERM shuts down cleanly with exit code 0.
 *
 * An acknowledgement is the relay's sync message carrying heads that include the client's
 * change (the client records it as the relay's `lastHeads`). With the reference relay, most
 * acknowledgements arrive before the change is written (its saves are throttled, 100 ms).
 */
import path from 'node:path';
import { next as A } from '@automerge/automerge';
import { parseAutomergeUrl } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { describe, expect, it } from 'vitest';
import { accountDocumentsDir } from '../../server/accounts.ts';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import { spawnRelay, waitForOutput, type RelayProcess } from '../helpers/relay-process.ts';
import { automergeUrl, closeCode, connectClient, findOnRelay, rawSocket, sleep, tempDir, waitForAck, type Client, cleanupAfterEach } from './helpers.ts';

const { cleanups, tempRelay } = cleanupAfterEach();

function track<T extends Client | RelayProcess>(x: T): T {
  cleanups.push(() => ('repo' in x ? x.close() : x.kill()));
  return x;
}

/** Reads a document the way a restarted relay would: from the files alone, with a fresh adapter. */
async function loadFromDisk(dir: string, documentId: string): Promise<A.Doc<WorkspaceDoc> | null> {
  const disk = new NodeFSStorageAdapter(dir);
  const chunks = [...(await disk.loadRange([documentId, 'snapshot'])), ...(await disk.loadRange([documentId, 'incremental']))];
  let doc = A.init<WorkspaceDoc>();
  for (const c of chunks) if (c.data) doc = A.loadIncremental(doc, c.data);
  return chunks.length > 0 ? doc : null;
}

/** The pairing link a fresh relay prints on first start carries the token and workspace URL. */
async function pairing(relay: RelayProcess): Promise<{ token: string; workspaceUrl: string }> {
  const m = await waitForOutput(relay, /\/pair#relay=\S+&token=(\S+)&workspace=(\S+)/);
  return { token: decodeURIComponent(m[1] ?? ''), workspaceUrl: decodeURIComponent(m[2] ?? '') };
}

describe('durability', () => {
  it('every acknowledged change is already on disk when the client sees the acknowledgement', async () => {
    const { tmp, relay } = await tempRelay('ack-on-disk');
    const { account, token } = await relay.accounts.create('alice');
    const docsDir = accountDocumentsDir(tmp.dir, account.id);
    const { documentId } = parseAutomergeUrl(automergeUrl(account.workspaceUrl));

    const c = track(connectClient(relay.url, token));
    const h = await findOnRelay<WorkspaceDoc>(c, account.workspaceUrl);
    const missing: number[] = [];
    for (let i = 0; i < 24; i++) {
      h.change((d) => addPresetEntry(d, `p${i}`, 'automerge:x'));
      await waitForAck(c, h);
      const onDisk = await loadFromDisk(docsDir, documentId);
      if (!onDisk?.presets[`p${i}`]) missing.push(i);
      if (i % 4 === 3) await sleep(120); // mix bursts with quiet spells (the repo's save throttle is 100 ms)
    }
    expect(missing).toEqual([]);

    // Also for a document the client creates: the relay's first sight of it.
    const created = c.repo.create<{ items: string[] }>({ items: ['first'] });
    await waitForAck(c, created);
    const createdOnDisk = (await loadFromDisk(docsDir, created.documentId)) as { items?: string[] } | null;
    expect(createdOnDisk?.items).toEqual(['first']);
  });

  it('acknowledged changes survive kill -9; a fresh client gets them all after a restart', async () => {
    const tmp = tempDir('kill9');
    cleanups.push(tmp.remove);
    const first = track(await spawnRelay({ dataDir: tmp.dir }));
    const { token, workspaceUrl } = await pairing(first);

    const c = track(connectClient(first.url, token));
    const h = await findOnRelay<WorkspaceDoc>(c, workspaceUrl);
    for (let i = 0; i < 12; i++) {
      h.change((d) => addPresetEntry(d, `k${i}`, 'automerge:x'));
      if (i % 3 === 2) await waitForAck(c, h); // some changes acknowledged one by one, others in a batch
    }
    h.change((d) => {
      d.settings.autoTitle = true;
    });
    await waitForAck(c, h);
    first.proc.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    await c.close();

    const second = track(await spawnRelay({ dataDir: tmp.dir }));
    await waitForOutput(second, /\b1 account\b/); // not a first start: no new account
    const fresh = track(connectClient(second.url, token));
    const h2 = await findOnRelay<WorkspaceDoc>(fresh, workspaceUrl);
    expect(Object.keys(h2.doc().presets).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `k${i}`).sort());
    expect(h2.doc().settings.autoTitle).toBe(true);
  });

  it('SIGTERM closes the sockets, flushes and exits 0', async () => {
    const tmp = tempDir('sigterm');
    cleanups.push(tmp.remove);
    const relay = track(await spawnRelay({ dataDir: tmp.dir }));
    const { token, workspaceUrl } = await pairing(relay);

    const c = track(connectClient(relay.url, token));
    const h = await findOnRelay<WorkspaceDoc>(c, workspaceUrl);
    h.change((d) => addPresetEntry(d, 'before-sigterm', 'automerge:x'));
    await waitForAck(c, h);
    const watcher = await rawSocket(relay.url, token);
    const watcherClosed = closeCode(watcher);

    relay.proc.kill('SIGTERM');
    expect(await relay.exited).toBe(0);
    expect(await watcherClosed).toBe(1001);
    expect(relay.output()).toMatch(/SIGTERM: shutting down[\s\S]*all documents flushed/);
    await c.close();

    const again = track(await spawnRelay({ dataDir: tmp.dir }));
    const fresh = track(connectClient(again.url, token));
    const h2 = await findOnRelay<WorkspaceDoc>(fresh, workspaceUrl);
    expect(h2.doc().presets['before-sigterm']).toBeDefined();
    expect(path.isAbsolute(tmp.dir)).toBe(true);
  });
});
