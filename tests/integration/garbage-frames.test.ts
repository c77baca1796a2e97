/**
 * A client sending garbage loses its own socket and nothing else: the relay stays up and the
 * account's other clients keep syncing without being disconnected.
 */
import { randomBytes } from 'node:crypto';
import { next as A } from '@automerge/automerge';
import { cbor, parseAutomergeUrl } from '@automerge/automerge-repo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { MAX_MESSAGE_BYTES } from '../../server/account-repos.ts';
import { CLOSE } from '../../server/message-guard.ts';
import { startRelay, type Relay } from '../../server/relay.ts';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import {
  automergeUrl,
  closeCode,
  connectClient,
  findOnRelay,
  joinMessage,
  nextMessage,
  rawSocket,
  runCleanups,
  tempDir,
  waitConverged,
  type Client,
} from './helpers.ts';

const tmp = tempDir('garbage');
const logs: string[] = [];
let relay: Relay;
let token: string;
let workspaceUrl: string;
let a: Client;
let b: Client;
let disconnects = 0;

beforeAll(async () => {
  relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: (l) => logs.push(l) });
  const created = await relay.accounts.create('alice');
  token = created.token;
  workspaceUrl = created.account.workspaceUrl;
  a = connectClient(relay.url, token);
  b = connectClient(relay.url, token);
  await findOnRelay(a, workspaceUrl);
  await findOnRelay(b, workspaceUrl);
  for (const c of [a, b]) c.repo.networkSubsystem.on('peer-disconnected', () => disconnects++);
});

afterAll(() => runCleanups([tmp.remove, () => relay?.close(), () => b?.close(), () => a?.close()]));

/** A raw socket that has joined as `peerId`; returns it with the relay's peer id. */
async function joined(peerId: string): Promise<{ ws: WebSocket; relayId: string }> {
  const ws = await rawSocket(relay.url, token);
  const reply = nextMessage(ws);
  ws.send(joinMessage(peerId));
  const msg = await reply;
  expect(msg.type).toBe('peer');
  return { ws, relayId: String(msg.senderId) };
}

async function expectClosedWith(ws: WebSocket, send: () => void, code: number): Promise<void> {
  const closed = closeCode(ws);
  send();
  expect(await closed).toBe(code);
}

describe('garbage on a socket', () => {
  it('a text frame closes that socket (1003)', async () => {
    const ws = await rawSocket(relay.url, token);
    await expectClosedWith(ws, () => ws.send('{"type":"join"}'), CLOSE.unsupportedData);
  });

  it('random bytes close that socket (1008)', async () => {
    for (let i = 0; i < 5; i++) {
      const ws = await rawSocket(relay.url, token);
      await expectClosedWith(ws, () => ws.send(randomBytes(64)), CLOSE.policyViolation);
    }
  });

  it('valid CBOR of the wrong shape closes that socket (1008)', async () => {
    const docId = parseAutomergeUrl(automergeUrl(workspaceUrl)).documentId;
    const shapes: unknown[] = [
      [1, 2, 3],
      'join',
      42,
      null,
      { type: 'join' },
      { type: 7, senderId: 'x' },
      { type: 'sync', senderId: 'x', targetId: 'y', documentId: docId, data: new Uint8Array([1]) }, // before join
      { type: 'join', senderId: 'bad\npeer' },
    ];
    for (const shape of shapes) {
      const ws = await rawSocket(relay.url, token);
      await expectClosedWith(ws, () => ws.send(cbor.encode(shape)), CLOSE.policyViolation);
    }
  });

  it('malformed sync messages after a valid join close that socket', async () => {
    const docId = parseAutomergeUrl(automergeUrl(workspaceUrl)).documentId;
    const bad = (relayId: string): Record<string, unknown>[] => [
      { type: 'sync', senderId: 'g1', targetId: relayId, documentId: docId, data: randomBytes(32) },
      { type: 'sync', senderId: 'g1', targetId: relayId, documentId: 'not-a-doc-id', data: new Uint8Array([1]) },
      { type: 'sync', senderId: 'g1', targetId: relayId, documentId: docId, data: 'text' },
      { type: 'request', senderId: 'g1', targetId: relayId, documentId: { $gt: '' }, data: new Uint8Array([1]) },
      { type: 'ephemeral', senderId: 'g1', targetId: relayId, documentId: docId, data: new Uint8Array([0xff]) },
      { type: 'sync', senderId: 'g1', targetId: 'someone-else', documentId: docId, data: new Uint8Array([1]) },
      { type: 'join', senderId: 'g1', peerMetadata: {} }, // a second join on the same socket
    ];
    const { relayId: id } = await joined('g0');
    for (const msg of bad(id)) {
      const { ws } = await joined('g1');
      await expectClosedWith(ws, () => ws.send(cbor.encode(msg)), CLOSE.policyViolation);
    }
  });

  it('a well-formed sync message carrying corrupt changes does not hurt the relay', async () => {
    const docId = parseAutomergeUrl(automergeUrl(workspaceUrl)).documentId;
    const { ws, relayId } = await joined('g2');
    const data = A.encodeSyncMessage({ heads: [], need: [], have: [], changes: [randomBytes(48)] });
    ws.send(cbor.encode({ type: 'sync', senderId: 'g2', targetId: relayId, documentId: docId, data }));
    // the relay reads one socket's frames in order: the pong to a ping sent after the corrupt
    // message comes once that message was handled
    await new Promise<void>((resolve) => {
      ws.once('pong', () => resolve());
      ws.ping();
    });
    ws.terminate();
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
  });

  it('a frame over the size limit closes that socket (1009)', async () => {
    const ws = await rawSocket(relay.url, token);
    await expectClosedWith(ws, () => ws.send(Buffer.alloc(MAX_MESSAGE_BYTES + 1)), CLOSE.tooBig);
  });

  it('the relay stays up and the other clients never noticed', async () => {
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    const ha = await a.repo.find<WorkspaceDoc>(automergeUrl(workspaceUrl));
    const hb = await b.repo.find<WorkspaceDoc>(automergeUrl(workspaceUrl));
    ha.change((d) => addPresetEntry(d, 'after-garbage', 'automerge:aaa'));
    await waitConverged(ha, hb);
    expect(hb.doc().presets['after-garbage']).toBeDefined();
    expect(disconnects).toBe(0);

    const closes = logs.filter((l) => l.includes('closed'));
    expect(closes.length).toBeGreaterThanOrEqual(20);
    expect(logs.join('\n')).not.toContain(token);
  });
});
