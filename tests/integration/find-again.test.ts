/**
 * A document that was "unavailable" when a device first asked for it (not yet on the relay)
 * is obtained on a later attempt once it is there — the app's background fetch and editors
 * rely on this to end up with every document.
 */
import { describe, expect, it } from 'vitest';
import { Repo } from '@automerge/automerge-repo';
import * as A from '@automerge/automerge';
import { findAgain } from '../../client/repo/find-again.ts';
import { connectClient, findOnRelay, relayPeer, waitFor, waitForAck, type Client, cleanupAfterEach } from './helpers.ts';

const { track, tempRelay } = cleanupAfterEach();

interface Note {
  text: string;
}

describe('findAgain', () => {
  it('gets a document that was unavailable at first, once the relay has it', async () => {
    const { relay } = await tempRelay('find-again');
    const { account, token } = await relay.accounts.create('alice');

    // A document made on a device that has not synced yet.
    const offline = new Repo({ network: [] });
    const made = offline.create<Note>({ text: 'written offline' });

    const reader = track(connectClient(relay.url, token));
    const plain = track(connectClient(relay.url, token));
    await findOnRelay(reader, account.workspaceUrl);
    await findOnRelay(plain, account.workspaceUrl);
    await expect(findAgain<Note>(reader.repo, made.url)).rejects.toThrow(/unavailable/);
    await expect(plain.repo.find<Note>(made.url)).rejects.toThrow(/unavailable/);

    // The device comes online and uploads it.
    const writer = track(connectClient(relay.url, token));
    await waitFor(() => relayPeer(writer.repo) !== undefined, 'the writer connection');
    const uploaded = writer.repo.import<Note>(A.save(made.doc()), { docId: made.documentId });
    await waitForAck(writer, uploaded);

    // The repo's own cache answers "unavailable" again at once; findAgain asks the relay
    // afresh and waits for its answer.
    await expect(plain.repo.find<Note>(made.url)).rejects.toThrow(/unavailable/);
    const found = await findAgain<Note>(reader.repo, made.url);
    expect(found.doc().text).toBe('written offline');
  });
});
