/**
 * A client cut off in the middle of a sync (a TCP proxy drops the connection after a number of
 * bytes, mid-frame) reconnects by itself, resumes and converges: uploads end up complete on
 * the relay, downloads complete on the client, and concurrent edits on both sides of the cut
 * merge.
 */
import { randomBytes } from 'node:crypto';
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo';
import { describe, expect, it } from 'vitest';
import type { Relay } from '../../server/relay.ts';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import { startCutProxy, type CutProxy } from '../helpers/cut-proxy.ts';
import { connectClient, findOnRelay, sameHeads, sleep, waitConverged, waitFor, waitForAck, type Client, cleanupAfterEach } from './helpers.ts';

const { cleanups, track, tempRelay } = cleanupAfterEach();

interface Note {
  n: number;
  body: string;
}

async function setup(name: string): Promise<{ relay: Relay; proxy: CutProxy; token: string; workspaceUrl: string }> {
  const { relay } = await tempRelay(name);
  const proxy = await startCutProxy(relay.port);
  cleanups.push(() => proxy.close());
  const { token, account } = await relay.accounts.create('alice');
  return { relay, proxy, token, workspaceUrl: account.workspaceUrl };
}

/** find() again after a failure: a find in flight when the connection drops ends "unavailable". */
async function findEventually<T>(client: Client, url: AutomergeUrl): Promise<DocHandle<T>> {
  for (;;) {
    try {
      return await findOnRelay<T>(client, url);
    } catch {
      await sleep(100); // pacing between attempts; a document never found is the test timeout's to catch
    }
  }
}

/** Incompressible text: the sync messages are as large as they look. */
const noise = (bytes: number) => randomBytes(bytes).toString('base64');

describe('a client cut off mid-sync', () => {
  it('resumes an interrupted upload; the relay ends up with every document, complete', async () => {
    const { relay, proxy, token, workspaceUrl } = await setup('cut-up');
    const a = track(connectClient(proxy.url, token));
    await findOnRelay(a, workspaceUrl);

    const cut = proxy.cutAfter('up', 60_000);
    const handles = Array.from({ length: 30 }, (_, n) => a.repo.create<Note>({ n, body: noise(3_000) }));
    handles.push(a.repo.create<Note>({ n: 30, body: noise(150_000) })); // one frame larger than the cut point
    const at = await cut;
    expect(at.up).toBe(60_000);
    await waitFor(() => a.closes.length > 0, 'the client to notice the cut');

    for (const h of handles) await waitForAck(a, h); // after reconnecting by itself
    const b = track(connectClient(relay.url, token)); // straight to the relay
    for (const h of handles) {
      const hb = await findOnRelay<Note>(b, h.url);
      expect(sameHeads(hb.heads(), h.heads())).toBe(true);
      expect(hb.doc()).toEqual(h.doc());
    }
  });

  it('resumes an interrupted download; the client ends up with every document', async () => {
    const { relay, proxy, token, workspaceUrl } = await setup('cut-down');
    const seed = track(connectClient(relay.url, token));
    await findOnRelay(seed, workspaceUrl);
    const originals = Array.from({ length: 30 }, (_, n) => seed.repo.create<Note>({ n, body: noise(3_000) }));
    originals.push(seed.repo.create<Note>({ n: 30, body: noise(150_000) }));
    for (const h of originals) await waitForAck(seed, h);

    const c = track(connectClient(proxy.url, token));
    await findOnRelay(c, workspaceUrl);
    const before = proxy.totals().down;
    const cut = proxy.cutAfter('down', 80_000);
    const fetching = originals.map((h) => findEventually<Note>(c, h.url));
    await cut;
    expect(proxy.totals().down - before).toBeLessThan(250_000); // the cut came mid-download
    const fetched = await Promise.all(fetching);
    for (let i = 0; i < originals.length; i++) {
      await waitConverged(fetched[i]!, originals[i]!);
      expect(fetched[i]!.doc()).toEqual(originals[i]!.doc());
    }
  });

  it('edits on both sides of a cut merge once the client is back', async () => {
    const { relay, proxy, token, workspaceUrl } = await setup('cut-both');
    const a = track(connectClient(proxy.url, token));
    const b = track(connectClient(relay.url, token));
    const ha = await findOnRelay<WorkspaceDoc>(a, workspaceUrl);
    const hb = await findOnRelay<WorkspaceDoc>(b, workspaceUrl);

    for (let round = 0; round < 3; round++) {
      proxy.cutAll();
      ha.change((d) => addPresetEntry(d, `a-${round}`, 'automerge:a'));
      hb.change((d) => addPresetEntry(d, `b-${round}`, 'automerge:b'));
      await waitConverged(ha, hb);
    }
    const cut = proxy.cutAfter('up', 300); // mid-frame, during a burst
    for (let i = 0; i < 20; i++) ha.change((d) => addPresetEntry(d, `burst-${i}`, `automerge:${noise(30)}`));
    await cut;
    await waitConverged(ha, hb);
    await waitForAck(a, ha);
    const keys = Object.keys(hb.doc().presets);
    expect(keys).toHaveLength(26);
    for (let r = 0; r < 3; r++) expect(keys).toEqual(expect.arrayContaining([`a-${r}`, `b-${r}`]));
  });
});
