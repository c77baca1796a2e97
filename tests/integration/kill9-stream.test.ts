/**
 * The relay is killed with `kill -9` at random moments (seeded) while several clients stream
 * edits into their own documents and a shared one. After each kill, before anything restarts,
 * the data directory alone must hold every change any client had seen acknowledged. Then the
 * relay restarts on the same port, the clients reconnect by themselves and carry on; at the
 * end every edit of every client is on the relay.
 *
 * "Acknowledged" is what the app relies on: the relay's heads as last reported to the client
 * in a sync message (what waitForAck waits for); a change is acknowledged once it is in the
 * document at those heads.
 */
import { next as A } from '@automerge/automerge';
import { decodeHeads, type DocHandle, type DocumentId } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import { spawnRelay, waitForOutput, type RelayProcess } from '../helpers/relay-process.ts';
import { connectClient, findOnRelay, relayPeer, sleep, tempDir, waitForAck, type Client, cleanupAfterEach } from './helpers.ts';

const { cleanups } = cleanupAfterEach();

/** mulberry32: small, seeded, good enough to pick moments and pauses reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Items {
  owner: string;
  items: Record<string, number>;
}

/** Keys of the document as the relay has it on disk, read with the stock adapter (as a restarted relay would). */
async function keysOnDisk(accountDir: string, documentId: DocumentId, field: 'items' | 'presets'): Promise<Set<string>> {
  const disk = new NodeFSStorageAdapter(accountDir);
  const chunks = [...(await disk.loadRange([documentId, 'snapshot'])), ...(await disk.loadRange([documentId, 'incremental']))];
  let doc = A.init<Record<string, Record<string, unknown>>>();
  for (const c of chunks) if (c.data) doc = A.loadIncremental(doc, c.data);
  return new Set(Object.keys(doc[field] ?? {}));
}

/** Keys of the handle's document at the heads the relay last acknowledged to this client. */
function ackedKeys(client: Client, handle: DocHandle<unknown>, field: 'items' | 'presets'): string[] {
  const peer = relayPeer(client.repo);
  const storageId = peer ? client.repo.getStorageIdOfPeer(peer) : undefined;
  const heads = storageId ? handle.getSyncInfo(storageId)?.lastHeads : undefined;
  if (!heads || heads.length === 0) return [];
  try {
    const view = A.view(handle.doc() as A.Doc<Record<string, Record<string, unknown>>>, decodeHeads(heads));
    return Object.keys(view[field] ?? {});
  } catch (err) {
    return []; // heads the client does not have (yet): nothing to learn from them
  }
}

describe('kill -9 during a stream of edits', () => {
  it('loses no change any client saw acknowledged (3 kills at seeded random moments)', async () => {
    const random = prng(0x5eed9);
    const tmp = tempDir('kill9-stream');
    cleanups.push(tmp.remove);
    let relay: RelayProcess = await spawnRelay({ dataDir: tmp.dir });
    cleanups.push(() => relay.kill());
    const port = relay.port;
    const m = await waitForOutput(relay, /\/pair#relay=\S+&token=(\S+)&workspace=(\S+)/);
    const token = decodeURIComponent(m[1] ?? '');
    const workspaceUrl = decodeURIComponent(m[2] ?? '');
    const accounts = JSON.parse(await fsp.readFile(path.join(tmp.dir, 'accounts.json'), 'utf8')) as { accounts: { id: string }[] };
    const accountDir = path.join(tmp.dir, 'accounts', accounts.accounts[0]!.id);

    // Three clients, each with its own document and the shared workspace.
    const clients = [0, 1, 2].map((i) => {
      const c = connectClient(relay.url, token, `device-${i}-${process.pid}`);
      cleanups.push(() => c.close());
      return c;
    });
    const workspaces = await Promise.all(clients.map((c) => findOnRelay<WorkspaceDoc>(c, workspaceUrl)));
    const own = clients.map((c, i) => c.repo.create<Items>({ owner: `device-${i}`, items: {} }));
    for (let i = 0; i < 3; i++) await waitForAck(clients[i]!, own[i]!);

    const made = { own: [new Set<string>(), new Set<string>(), new Set<string>()], shared: new Set<string>() };
    const acked = { own: [new Set<string>(), new Set<string>(), new Set<string>()], shared: new Set<string>() };
    let stop = false;
    const editors = clients.map(async (_c, i) => {
      for (let n = 0; !stop; n++) {
        const key = `d${i}-e${n}`;
        own[i]!.change((d) => {
          d.items[key] = n;
        });
        made.own[i]!.add(key);
        if (n % 4 === 0) {
          workspaces[i]!.change((d) => addPresetEntry(d, key, 'automerge:x'));
          made.shared.add(key);
        }
        await sleep(5 + Math.floor(random() * 30));
      }
    });
    const ackCount = () => acked.own.reduce((n, s) => n + s.size, 0) + acked.shared.size;
    const watcher = (async () => {
      while (!stop) {
        for (let i = 0; i < 3; i++) {
          for (const k of ackedKeys(clients[i]!, own[i]! as DocHandle<unknown>, 'items')) acked.own[i]!.add(k);
          for (const k of ackedKeys(clients[i]!, workspaces[i]! as DocHandle<unknown>, 'presets')) acked.shared.add(k);
        }
        await sleep(10);
      }
    })();

    const t0 = Date.now();
    const mark = (what: string) => console.log(`[kill9] ${Date.now() - t0} ms ${what}`);
    for (let kill = 0; kill < 3; kill++) {
      // Kill while acknowledgements are flowing: once new ones came in, at a random moment.
      const before = ackCount();
      for (let t = 0; ackCount() <= before + 3 && t < 1_000; t++) await sleep(10);
      expect(ackCount(), `acknowledgements before kill ${kill + 1}`).toBeGreaterThan(before);
      await sleep(Math.floor(random() * 600));
      // Everything acknowledged up to this instant must survive the kill.
      const mustSurvive = { own: acked.own.map((s) => [...s]), shared: [...acked.shared] };
      mark(`kill ${kill + 1} (${ackCount()} acknowledged)`);
      relay.proc.kill('SIGKILL');
      expect(await relay.exited).toBeNull();
      for (let i = 0; i < 3; i++) {
        const onDisk = await keysOnDisk(accountDir, own[i]!.documentId, 'items');
        expect(mustSurvive.own[i]!.filter((k) => !onDisk.has(k)), `kill ${kill + 1}, device ${i}`).toEqual([]);
      }
      const sharedOnDisk = await keysOnDisk(accountDir, workspaces[0]!.documentId, 'presets');
      expect(mustSurvive.shared.filter((k) => !sharedOnDisk.has(k)), `kill ${kill + 1}, shared document`).toEqual([]);

      await sleep(Math.floor(random() * 300)); // the clients keep editing offline meanwhile
      relay = await spawnRelay({ dataDir: tmp.dir, port });
      mark('restarted');
    }

    await sleep(500);
    stop = true;
    await Promise.all([...editors, watcher]);
    for (let i = 0; i < 3; i++) {
      await waitForAck(clients[i]!, own[i]!);
      await waitForAck(clients[i]!, workspaces[i]! as DocHandle<unknown>);
    }
    mark('all acknowledged');
    // In the end the relay holds every edit that was made, acknowledged before a kill or not.
    const fresh = connectClient(relay.url, token);
    cleanups.push(() => fresh.close());
    for (let i = 0; i < 3; i++) {
      const h = await findOnRelay<Items>(fresh, own[i]!.url);
      expect(new Set(Object.keys(h.doc().items))).toEqual(made.own[i]);
    }
    const ws = await findOnRelay<WorkspaceDoc>(fresh, workspaceUrl);
    expect(new Set(Object.keys(ws.doc().presets))).toEqual(made.shared);
  });
});
