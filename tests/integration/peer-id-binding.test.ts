/**
 * A peer id belongs to the socket that joined with it: a second socket announcing the same id
 * is refused (the first keeps syncing), and no socket may send messages as another peer.
 */
import { cbor, parseAutomergeUrl } from '@automerge/automerge-repo';
import { next as A } from '@automerge/automerge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE } from '../../server/message-guard.ts';
import { startRelay, type Relay } from '../../server/relay.ts';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import { automergeUrl, closeCode, connectClient, findOnRelay, joinMessage, nextMessage, rawSocket, runCleanups, tempDir, waitConverged, waitFor, type Client } from './helpers.ts';

const tmp = tempDir('peer-id');
let relay: Relay;
let token: string;
let workspaceUrl: string;
let a: Client;
let b: Client;
let aDisconnects = 0;

beforeAll(async () => {
  relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {} });
  const created = await relay.accounts.create('alice');
  token = created.token;
  workspaceUrl = created.account.workspaceUrl;
  a = connectClient(relay.url, token, 'alice-phone');
  b = connectClient(relay.url, token, 'alice-laptop');
  await findOnRelay(a, workspaceUrl);
  await findOnRelay(b, workspaceUrl);
  a.repo.networkSubsystem.on('peer-disconnected', () => aDisconnects++);
});

afterAll(() => runCleanups([tmp.remove, () => relay?.close(), () => b?.close(), () => a?.close()]));

async function stillSyncing(): Promise<void> {
  const ha = await a.repo.find<WorkspaceDoc>(automergeUrl(workspaceUrl));
  const hb = await b.repo.find<WorkspaceDoc>(automergeUrl(workspaceUrl));
  const id = `p-${Math.random().toString(36).slice(2)}`;
  hb.change((d) => addPresetEntry(d, id, 'automerge:x'));
  await waitConverged(ha, hb);
  expect(ha.doc().presets[id]).toBeDefined();
}

describe('peer-id binding', () => {
  it('a second connection announcing the same peer id is refused; the first stays connected', async () => {
    const intruder = await rawSocket(relay.url, token);
    const closed = closeCode(intruder);
    intruder.send(joinMessage('alice-phone'));
    expect(await closed).toBe(CLOSE.peerIdInUse);

    await stillSyncing();
    expect(aDisconnects).toBe(0);
  });

  it('messages sent under another peer id close the sender, not the impersonated peer', async () => {
    const ws = await rawSocket(relay.url, token);
    const reply = nextMessage(ws);
    ws.send(joinMessage('mallory'));
    const relayId = String((await reply).senderId);

    const { documentId } = parseAutomergeUrl(automergeUrl(workspaceUrl));
    const [, data] = A.generateSyncMessage(A.init(), A.initSyncState());
    const closed = closeCode(ws);
    ws.send(cbor.encode({ type: 'sync', senderId: 'alice-phone', targetId: relayId, documentId, data }));
    expect(await closed).toBe(CLOSE.policyViolation);

    await stillSyncing();
    expect(aDisconnects).toBe(0);
  });

  it('the peer id is free again once its socket has closed', async () => {
    const first = await rawSocket(relay.url, token);
    const r1 = nextMessage(first);
    first.send(joinMessage('tablet'));
    expect((await r1).type).toBe('peer');
    const gone = closeCode(first);
    first.close();
    await gone;

    const second = await rawSocket(relay.url, token);
    const r2 = nextMessage(second);
    second.send(joinMessage('tablet'));
    expect((await r2).type).toBe('peer');
    second.close();
  });

  it("relays ephemeral messages under the sender's own peer id; the echo each device sends back costs nothing", async () => {
    const ha = await a.repo.find<WorkspaceDoc>(automergeUrl(workspaceUrl));
    const hb = await b.repo.find<WorkspaceDoc>(automergeUrl(workspaceUrl));
    const received: { senderId: string; message: unknown }[] = [];
    hb.on('ephemeral-message', (e) => received.push({ senderId: e.senderId, message: e.message }));
    for (let i = 0; i < 5; i++) ha.broadcast({ cursor: i });
    await waitFor(() => received.length >= 5, 'the five ephemeral messages');
    expect(received.map((r) => r.message)).toEqual([0, 1, 2, 3, 4].map((cursor) => ({ cursor })));
    expect(new Set(received.map((r) => r.senderId))).toEqual(new Set(['alice-phone']));
    await stillSyncing();
    expect(aDisconnects).toBe(0);
  });
});
