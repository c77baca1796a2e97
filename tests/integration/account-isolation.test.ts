/**
 * One account cannot read or change another account's documents, even knowing their URLs:
 * each account has its own Repo and storage on the relay, so a document id names a different
 * (or no) document per account.
 */
import { next as A } from '@automerge/automerge';
import { parseAutomergeUrl } from '@automerge/automerge-repo';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import { startRelay } from '../../server/relay.ts';
import { automergeUrl, connectClient, findOnRelay, relayPeer, runCleanups, sameHeads, tempDir, waitFor, waitForAck, type Client } from './helpers.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await runCleanups(cleanups);
});

function track(client: Client): Client {
  cleanups.push(() => client.close());
  return client;
}

describe('account isolation', () => {
  it("another account's token can neither read nor change a document", async () => {
    const tmp = tempDir('isolation');
    cleanups.push(tmp.remove);
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {} });
    cleanups.push(() => relay.close());
    const alice = await relay.accounts.create('alice');
    const mallory = await relay.accounts.create('mallory');

    const a = track(connectClient(relay.url, alice.token));
    const ha = await findOnRelay<WorkspaceDoc>(a, alice.account.workspaceUrl);
    ha.change((d) => addPresetEntry(d, 'secret-preset', 'automerge:xyz'));
    await waitForAck(a, ha);
    const aliceHeads = ha.heads();

    // Reading: the URL leads nowhere on mallory's side of the relay.
    const m = track(connectClient(relay.url, mallory.token));
    await expect(findOnRelay(m, alice.account.workspaceUrl)).rejects.toThrow(/unavailable/);

    // Writing: mallory forges a document under alice's document id and pushes it.
    const { documentId } = parseAutomergeUrl(automergeUrl(alice.account.workspaceUrl));
    const m2 = track(connectClient(relay.url, mallory.token));
    await waitFor(() => relayPeer(m2.repo) !== undefined, 'mallory to connect');
    const forged = m2.repo.import<Record<string, unknown>>(A.save(A.from({ name: 'pwned', presets: {} })), { docId: documentId });
    forged.change((d) => {
      d.evil = true;
    });
    await waitForAck(m2, forged);

    // A fresh device of alice sees exactly alice's document, untouched.
    const a2 = track(connectClient(relay.url, alice.token));
    const ha2 = await findOnRelay<WorkspaceDoc & { evil?: boolean }>(a2, alice.account.workspaceUrl);
    await waitFor(() => sameHeads(ha2.heads(), aliceHeads), "alice's document from the relay");
    expect(ha2.doc().name).toBe('alice');
    expect(ha2.doc().evil).toBeUndefined();
    expect(Object.keys(ha2.doc().presets)).toEqual(['secret-preset']);
    // Give a leak a chance to show up before concluding there is none.
    await new Promise((r) => setTimeout(r, 300));
    expect(sameHeads(ha2.heads(), aliceHeads)).toBe(true);
    expect(sameHeads(ha.heads(), aliceHeads)).toBe(true);
  });
});
