/**
 * The relay process swaps Automerge's wasm instance each time its last account is closed
 * (server/wasm-renewal.ts). Documents written with one instance must read, sync and take
 * changes with the next, over several idle cycles, and nothing from the old instance may be
 * touched afterwards (that would throw in the relay: checked through its output).
 */
import { describe, expect, it } from 'vitest';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import { storedString } from '../../shared/schema/stored-string.ts';
import { spawnRelay, waitForOutput, type RelayProcess } from '../helpers/relay-process.ts';
import { cleanupAfterEach, connectClient, findOnRelay, tempDir, waitForAck, type Client } from './helpers.ts';

const { cleanups } = cleanupAfterEach();

function track<T extends Client | RelayProcess>(x: T): T {
  cleanups.push(() => ('repo' in x ? x.close() : x.kill()));
  return x;
}

describe('wasm renewal when idle', () => {
  it('documents survive three idle cycles, each on a fresh wasm instance', async () => {
    const tmp = tempDir('wasm-renewal');
    cleanups.push(tmp.remove);
    const relay = track(await spawnRelay({ dataDir: tmp.dir, env: { IDLE_ACCOUNT_MS: '300' } }));
    const m = await waitForOutput(relay, /\/pair#relay=\S+&token=(\S+)&workspace=(\S+)/);
    const token = decodeURIComponent(m[1] ?? '');
    const workspaceUrl = decodeURIComponent(m[2] ?? '');
    const notes: string[] = [];
    for (let cycle = 0; cycle < 3; cycle++) {
      const c = track(connectClient(relay.url, token));
      const h = await findOnRelay<WorkspaceDoc>(c, workspaceUrl);
      expect(Object.keys(h.doc().presets).sort()).toEqual([...notes].sort());
      const created = c.repo.create<{ n: number }>({ n: cycle });
      h.change((d) => addPresetEntry(d, `cycle${cycle}`, created.url));
      notes.push(`cycle${cycle}`);
      await waitForAck(c, h);
      await waitForAck(c, created);
      const seen = relay.output().length;
      await c.close();
      // The renewal is logged right after the unload, in the same sweep: this cycle is over.
      await waitForOutput(relay, /account unloaded[^]*wasm instance renewed/, { from: seen });
    }
    const last = track(connectClient(relay.url, token));
    const h = await findOnRelay<WorkspaceDoc>(last, workspaceUrl);
    expect(Object.keys(h.doc().presets).sort()).toEqual(notes.sort());
    const second = await findOnRelay<{ n: number }>(last, storedString(h.doc().presets['cycle1']?.url ?? ''));
    expect(second.doc().n).toBe(1);
    // One per cycle (each waited for above), plus one when the account made at the first start
    // is unloaded before the first client comes (a slow machine).
    expect(relay.output().split('wasm instance renewed').length - 1).toBeGreaterThanOrEqual(3);
    expect(relay.output()).not.toMatch(/unhandled rejection|could not apply|error/i);
  });
});
