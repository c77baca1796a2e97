/**
 * One account cannot read, change or even detect another account's documents, even knowing
 * their URLs: each account has its own Repo and storage on the relay, so a document id names a
 * different (or no) document per account, and the answer about another account's document is
 * exactly the answer about one that does not exist.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { next as A } from '@automerge/automerge';
import { cbor, generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import type WebSocket from 'ws';
import { accountDocumentsDir } from '../../server/accounts.ts';
import { describe, expect, it } from 'vitest';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import {
  automergeUrl,
  connectClient,
  findOnRelay,
  joinMessage,
  nextMessage,
  rawSocket,
  relayPeer,
  sameHeads,
  waitFor,
  waitForAck,
  type Client,
  cleanupAfterEach,
} from './helpers.ts';

/** Every file under a folder, relative, sorted. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else out.push(path.relative(dir, path.join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * What the relay says to a request for a document (its id masked out), up to its final word:
 * "unavailable", or a sync message with content (a leak, which the caller's comparison shows).
 */
async function answersTo(ws: WebSocket, peer: string, relayId: string, documentId: string): Promise<unknown[]> {
  const got: unknown[] = [];
  let onMessage = (_d: Buffer): void => {};
  const done = new Promise<void>((resolve) => {
    onMessage = (d: Buffer) => {
      const m = cbor.decode<Record<string, unknown>>(d);
      got.push({ ...m, documentId: m.documentId === documentId ? '<asked>' : m.documentId });
      const leaked = m.type === 'sync' && m.data instanceof Uint8Array && A.decodeSyncMessage(m.data).heads.length > 0;
      if (m.type === 'doc-unavailable' || leaked) resolve();
    };
  });
  ws.on('message', onMessage);
  const [, data] = A.generateSyncMessage(A.init(), A.initSyncState());
  ws.send(cbor.encode({ type: 'request', senderId: peer, targetId: relayId, documentId, data }));
  await done;
  ws.off('message', onMessage);
  return got;
}

const { track, tempRelay } = cleanupAfterEach();

/** A quiet relay on a fresh data directory with two accounts, alice and mallory. */
async function aliceAndMallory(prefix: string) {
  const { tmp, relay } = await tempRelay(prefix);
  const alice = await relay.accounts.create('alice');
  const mallory = await relay.accounts.create('mallory');
  return { tmp, relay, alice, mallory };
}

describe('account isolation', () => {
  it("another account's token can neither read nor change a document", async () => {
    const { tmp, relay, alice, mallory } = await aliceAndMallory('isolation');

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
    // An observation window, not a wait: a leak arriving later would most likely show by then
    // (a busy machine can only hide one, never fail a correct relay).
    await new Promise((r) => setTimeout(r, 300));
    expect(sameHeads(ha2.heads(), aliceHeads)).toBe(true);
    expect(sameHeads(ha.heads(), aliceHeads)).toBe(true);
  });

  it("answers a request for another account's document exactly as for one that does not exist", async () => {
    const { tmp, relay, alice, mallory } = await aliceAndMallory('isolation-detect');
    const a = track(connectClient(relay.url, alice.token));
    const ha = await findOnRelay<WorkspaceDoc>(a, alice.account.workspaceUrl);
    const secret = a.repo.create<{ secret: string }>({ secret: 'alice only' });
    ha.change((d) => addPresetEntry(d, 'p', secret.url));
    await waitForAck(a, secret);
    await waitForAck(a, ha);
    const aliceFiles = filesUnder(accountDocumentsDir(tmp.dir, alice.account.id));

    const ws = await rawSocket(relay.url, mallory.token);
    const reply = nextMessage(ws);
    ws.send(joinMessage('mallory-laptop'));
    const relayId = String((await reply).senderId);
    const idOf = (url: string) => parseAutomergeUrl(automergeUrl(url)).documentId;
    const nowhere = idOf(generateAutomergeUrl());
    const forAlices = await answersTo(ws, 'mallory-laptop', relayId, idOf(alice.account.workspaceUrl));
    const forSecret = await answersTo(ws, 'mallory-laptop', relayId, secret.documentId);
    const forNothing = await answersTo(ws, 'mallory-laptop', relayId, nowhere);
    // For a document it does not have, the relay sends its (empty) sync state, then "unavailable".
    expect(forNothing.at(-1)).toEqual({ type: 'doc-unavailable', senderId: relayId, targetId: 'mallory-laptop', documentId: '<asked>' });
    for (const m of forNothing as { type: string; data?: Uint8Array }[]) {
      if (m.type === 'sync') expect(A.decodeSyncMessage(m.data!).heads).toEqual([]);
    }
    // Byte for byte the same answer about alice's documents.
    expect(forAlices).toEqual(forNothing);
    expect(forSecret).toEqual(forNothing);
    ws.close();

    // Through a real client too: the same rejection for both.
    const m = track(connectClient(relay.url, mallory.token));
    const errors = await Promise.all(
      [secret.url, automergeUrl(generateAutomergeUrl())].map((url) => findOnRelay(m, url).then(() => 'found', (e: Error) => e.message.replace(/automerge:\S+/, '<url>'))),
    );
    expect(errors[0]).toMatch(/unavailable/);
    expect(errors[0]).toBe(errors[1]);
    // ...and mallory's own account info says nothing of alice's data.
    const info = await fetch(`${relay.url}/api/account`, { headers: { Authorization: `Bearer ${mallory.token}` } });
    expect(await info.json()).toEqual({ name: 'mallory', workspaceUrl: mallory.account.workspaceUrl });
    // alice's folder was not touched by any of it
    expect(filesUnder(accountDocumentsDir(tmp.dir, alice.account.id))).toEqual(aliceFiles);
  });
});
