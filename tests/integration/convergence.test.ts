/**
 * Two devices of one account converge through the relay, including after both edited while
 * the relay was down and it came back on the same data folder.
 */
import { describe, expect, it } from 'vitest';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import { startRelay, type Relay } from '../../server/relay.ts';
import { connectClient, findOnRelay, tempDir, waitConverged, waitFor, type Client, cleanupAfterEach } from './helpers.ts';

const { cleanups, track } = cleanupAfterEach();

async function relayOn(dataDir: string, port = 0): Promise<Relay> {
  const relay = await startRelay({ port, host: '127.0.0.1', dataDir, staticDir: null, log: () => {} });
  return relay;
}

describe('relay convergence', () => {
  it('two clients of one account converge on the workspace document', async () => {
    const tmp = tempDir('converge');
    cleanups.push(tmp.remove);
    const relay = await relayOn(tmp.dir);
    cleanups.push(() => relay.close());
    const { account, token } = await relay.accounts.create('alice');

    const a = track(connectClient(relay.url, token));
    const b = track(connectClient(relay.url, token));
    const ha = await findOnRelay<WorkspaceDoc>(a, account.workspaceUrl);
    const hb = await findOnRelay<WorkspaceDoc>(b, account.workspaceUrl);
    expect(ha.doc().name).toBe('alice');

    ha.change((d) => addPresetEntry(d, 'p-from-a', 'automerge:aaa'));
    hb.change((d) => addPresetEntry(d, 'p-from-b', 'automerge:bbb'));
    await waitConverged(ha, hb);

    for (const h of [ha, hb]) expect(Object.keys(h.doc().presets).sort()).toEqual(['p-from-a', 'p-from-b']);
  });

  it('edits made on both clients while the relay is down merge after it restarts on the same data', async () => {
    const tmp = tempDir('restart');
    cleanups.push(tmp.remove);
    let relay = await relayOn(tmp.dir);
    const port = relay.port;
    cleanups.push(() => relay.close());
    const { account, token } = await relay.accounts.create('alice');

    const a = track(connectClient(relay.url, token));
    const b = track(connectClient(relay.url, token));
    const ha = await findOnRelay<WorkspaceDoc>(a, account.workspaceUrl);
    const hb = await findOnRelay<WorkspaceDoc>(b, account.workspaceUrl);
    await waitConverged(ha, hb);

    await relay.close();
    await waitFor(() => a.repo.peers.length === 0 && b.repo.peers.length === 0, 'clients to notice the relay is gone');

    ha.change((d) => addPresetEntry(d, 'offline-a', 'automerge:aaa'));
    hb.change((d) => {
      addPresetEntry(d, 'offline-b', 'automerge:bbb');
      d.settings.maxModels = 3;
    });

    relay = await relayOn(tmp.dir, port);
    await waitConverged(ha, hb);
    for (const h of [ha, hb]) {
      expect(Object.keys(h.doc().presets).sort()).toEqual(['offline-a', 'offline-b']);
      expect(h.doc().settings.maxModels).toBe(3);
    }

    // The relay itself holds the merged document: a new device gets both edits.
    const c = track(connectClient(relay.url, token));
    const hc = await findOnRelay<WorkspaceDoc>(c, account.workspaceUrl);
    await waitConverged(ha, hc);
    expect(Object.keys(hc.doc().presets).sort()).toEqual(['offline-a', 'offline-b']);
  });
});
