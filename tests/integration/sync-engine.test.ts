/**
 * The client's encrypted sync engine, end to end: real automerge-repo Repos on real files, the
 * engine over real WebSockets, a relay speaking the v2 protocol.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { generateAutomergeUrl, parseAutomergeUrl, type AutomergeUrl, type DocHandle } from '@automerge/automerge-repo';
import WebSocket from 'ws';
import { newWorkspaceKey, newChunkId, sealChunk } from '../../shared/sync/chunk-crypto.ts';
import { CLOSE, PROTOCOL_VERSION, encodeFrame, decodeRelayFrame } from '../../shared/sync/protocol.ts';
import { startProtocolRelay, type ProtocolRelay } from './protocol-relay.ts';
import { memorySyncStateStore } from '../../client/sync/engine/sync-state-store.ts';
import { findWhenThere, makeDevice, whenEngine, type Device } from './engine-devices.ts';
import { runCleanups, sameHeads, waitFor } from './helpers.ts';

type Note = {
  text: string;
  items?: string[];
};

const cleanups: (() => unknown)[] = [];
afterEach(() => runCleanups(cleanups));

async function setup(opts: { legacy?: boolean } = {}) {
  const relay = await startProtocolRelay();
  cleanups.push(() => relay.close());
  const token = relay.addAccount('alice', opts);
  const key = newWorkspaceKey();
  const device = (k = key) => {
    const d = makeDevice({ url: relay.url, token }, k, () => workspace);
    cleanups.push(() => d.close());
    return d;
  };
  let workspace: string | null = null;
  const first = device();
  const ws = first.repo.create<Note>({ text: 'workspace' });
  workspace = ws.url;
  return { relay, token, key, device, first, ws };
}

const online = (d: Device) => whenEngine(d.engine!, (s) => s.status === 'online');

async function converged(a: DocHandle<Note>, b: DocHandle<Note>): Promise<void> {
  await waitFor(() => sameHeads(A.getHeads(a.doc()), A.getHeads(b.doc())), 'the two copies to converge');
}

/** Resolves once the relay holds these documents at their current heads (the device's upload is acknowledged). */
async function uploaded(relay: ProtocolRelay, device: Device, ...handles: DocHandle<unknown>[]): Promise<void> {
  await waitFor(async () => {
    const log = [...relay.accounts.values()].flatMap((a) => a.log);
    if (!handles.every((h) => log.some((e) => e.doc === h.documentId))) return false;
    const state = await device.state.load([...relay.accounts.keys()][0]!);
    return handles.every((h) => sameHeads(state.docs.get(h.documentId)?.relayHeads ?? [], A.getHeads(h.doc())));
  }, 'the upload');
}

/** Every body byte the relay stored or sent. */
function relayBytes(relay: ProtocolRelay): Uint8Array[] {
  return [...relay.sent, ...[...relay.accounts.values()].flatMap((a) => a.log.map((e) => e.bytes))];
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('sync engine', () => {
  it('two devices converge on concurrent edits, and the relay only ever holds ciphertext', async () => {
    const { relay, device, first } = await setup();
    first.connect();
    await online(first);
    const a = first.repo.create<Note>({ text: 'secret plan', items: [] });
    const second = device();
    second.connect();
    await online(second);
    const b = await findWhenThere<Note>(second.repo, a.url);
    expect(b.doc().text).toBe('secret plan');
    a.change((d) => d.items!.push('from A'));
    b.change((d) => d.items!.push('from B'));
    await converged(a, b);
    expect([...a.doc().items!].sort()).toEqual(['from A', 'from B']);
    const magic = Uint8Array.from([0x85, 0x6f, 0x4a, 0x83]);
    const texts = ['secret plan', 'from A', 'from B'].map((t) => new TextEncoder().encode(t));
    for (const bytes of relayBytes(relay)) {
      expect(contains(bytes, magic)).toBe(false);
      for (const t of texts) expect(contains(bytes, t)).toBe(false);
    }
  });

  it('edits made offline on both devices are merged when they reconnect', async () => {
    const { relay, device, first } = await setup();
    first.connect();
    const second = device();
    second.connect();
    await Promise.all([online(first), online(second)]);
    const a = first.repo.create<Note>({ text: '', items: [] });
    const b = await findWhenThere<Note>(second.repo, a.url);
    second.disconnect();
    a.change((d) => d.items!.push('A while B was away'));
    b.change((d) => d.items!.push('B offline'));
    await uploaded(relay, first, a);
    second.connect();
    await converged(a, b);
    expect([...b.doc().items!].sort()).toEqual(['A while B was away', 'B offline']);
  });

  it('a new device gets every document of the account', async () => {
    const { relay, device, first } = await setup();
    first.connect();
    await online(first);
    const handles: DocHandle<Note>[] = [];
    for (let i = 0; i < 20; i++) handles.push(first.repo.create<Note>({ text: `doc ${i}` }));
    const urls = handles.map((h) => h.url);
    await uploaded(relay, first, ...handles);
    const fresh = device();
    fresh.connect();
    await online(fresh);
    // Everything is in its storage before it opens any of it.
    const ids = await fresh.local.ids();
    for (const u of urls) expect(ids.has(u.slice('automerge:'.length))).toBe(true);
    for (const [i, u] of urls.entries()) expect((await fresh.repo.find<Note>(u)).doc().text).toBe(`doc ${i}`);
  });

  it('compaction replaces a document\'s chunks on the relay by one snapshot, and its content stays identical', async () => {
    const { relay, device, first } = await setup();
    first.connect({ compactAfter: 4 });
    await online(first);
    const a = first.repo.create<Note>({ text: '', items: [] });
    for (let i = 0; i < 12; i++) {
      a.change((d) => d.items!.push(`item ${i}`));
      await uploaded(relay, first, a);
    }
    await waitFor(() => relay.accounts.get('alice')!.log.some((e) => e.doc === a.documentId && e.dropped), 'a compaction');
    const live = relay.accounts.get('alice')!.log.filter((e) => e.doc === a.documentId && !e.dropped);
    expect(live.length).toBeLessThanOrEqual(5);
    const fresh = device();
    fresh.connect();
    await online(fresh);
    const b = await findWhenThere<Note>(fresh.repo, a.url);
    expect(b.doc()).toEqual(a.doc());
    expect(sameHeads(A.getHeads(b.doc()), A.getHeads(a.doc()))).toBe(true);
  });

  it('a device with another key is told so and uploads and merges nothing', async () => {
    const { relay, device, first } = await setup();
    first.connect();
    await online(first);
    const a = first.repo.create<Note>({ text: 'only for the right key' });
    await uploaded(relay, first, a);
    const stranger = device(newWorkspaceKey());
    const own = stranger.repo.create<Note>({ text: 'stranger' });
    await stranger.repo.flush();
    const before = relay.accounts.get('alice')!.log.length;
    stranger.connect();
    await whenEngine(stranger.engine!, (s) => s.status === 'key-mismatch');
    expect(relay.accounts.get('alice')!.log.length).toBe(before);
    expect((await stranger.local.ids()).has(a.documentId)).toBe(false);
    expect(stranger.ledger.isUnsynced(own.documentId)).toBe(true);
  });

  it('bit-flipped, replayed-into-another-document and foreign-key chunks are rejected and merge nothing', async () => {
    const { relay, token, key, device, first } = await setup();
    first.connect();
    await online(first);
    const a = first.repo.create<Note>({ text: 'original' });
    const other = first.repo.create<Note>({ text: 'other' });
    await uploaded(relay, first, a, other);
    const second = device();
    second.connect();
    await online(second);
    const b = await findWhenThere<Note>(second.repo, a.url);
    const o = await findWhenThere<Note>(second.repo, other.url);
    const headsB = A.getHeads(b.doc());
    const headsO = A.getHeads(o.doc());

    // An attacker with the token (the relay, or whoever holds it) puts chunks of its own.
    const raw = new WebSocket(relay.url);
    await new Promise((r) => raw.once('open', r));
    const acks: Promise<void>[] = [];
    let id = 0;
    const put = (doc: string, chunk: string, bytes: Uint8Array) => {
      const mine = ++id;
      acks.push(
        new Promise<void>((resolve) =>
          raw.on('message', (m: Buffer) => {
            const f = decodeRelayFrame(new Uint8Array(m));
            if (f.ok && f.frame.header.t === 'ack' && f.frame.header.id === mine) resolve();
          }),
        ),
      );
      raw.send(encodeFrame({ t: 'put', id: mine, doc, chunk, kind: 'change', size: bytes.length, offset: 0 }, bytes));
    };
    raw.send(encodeFrame({ t: 'hello', protocol: PROTOCOL_VERSION, token }));
    const evil = A.change(A.clone(a.doc()), (d) => (d.text = 'tampered'));
    const change = A.saveSince(evil, A.getHeads(a.doc()));
    // 1. bit flipped
    const flippedId = newChunkId();
    const flipped = sealChunk(key, a.documentId, flippedId, 'change', change);
    flipped[flipped.length - 3]! ^= 1;
    put(a.documentId, flippedId, flipped);
    // 2. a genuine chunk of document `a`, replayed under the other document
    const genuine = relay.accounts.get('alice')!.log.find((e) => e.doc === a.documentId)!;
    put(other.documentId, genuine.chunk, genuine.bytes);
    // 3. sealed with another key
    const foreignId = newChunkId();
    put(a.documentId, foreignId, sealChunk(newWorkspaceKey(), a.documentId, foreignId, 'change', change));
    // 4. the right key, but not Automerge
    const junkId = newChunkId();
    put(a.documentId, junkId, sealChunk(key, a.documentId, junkId, 'change', new TextEncoder().encode('not automerge')));
    await Promise.all(acks);
    raw.close();

    const s = await whenEngine(second.engine!, (x) => x.rejected >= 4);
    expect(s.rejected).toBe(4);
    expect(s.status).toBe('online');
    expect(b.doc().text).toBe('original');
    expect(sameHeads(A.getHeads(b.doc()), headsB)).toBe(true);
    expect(sameHeads(A.getHeads(o.doc()), headsO)).toBe(true);
    // A good edit still goes through afterwards.
    a.change((d) => (d.text = 'edited'));
    await waitFor(() => b.doc().text === 'edited', 'the good edit');
  });

  it('a duplicated upload is stored once, and entries served again change nothing', async () => {
    const { relay, token, device, first } = await setup();
    first.connect();
    await online(first);
    const a = first.repo.create<Note>({ text: 'once', items: [] });
    await uploaded(relay, first, a);
    const entry = relay.accounts.get('alice')!.log.find((e) => e.doc === a.documentId)!;
    const second = device();
    second.connect();
    await online(second);
    const b = await findWhenThere<Note>(second.repo, a.url);
    const heads = A.getHeads(b.doc());
    // The same chunk put again: acknowledged as a duplicate, not logged twice.
    const before = relay.accounts.get('alice')!.log.length;
    const raw = new WebSocket(relay.url);
    await new Promise((r) => raw.once('open', r));
    const ack = new Promise<boolean>((resolve) =>
      raw.on('message', (m: Buffer) => {
        const f = decodeRelayFrame(new Uint8Array(m));
        if (f.ok && f.frame.header.t === 'ack') resolve(f.frame.header.duplicate === true);
      }),
    );
    raw.send(encodeFrame({ t: 'hello', protocol: PROTOCOL_VERSION, token }));
    raw.send(encodeFrame({ t: 'put', id: 1, doc: entry.doc, chunk: entry.chunk, kind: entry.kind, size: entry.bytes.length, offset: 0 }, entry.bytes));
    expect(await ack).toBe(true);
    raw.close();
    expect(relay.accounts.get('alice')!.log.length).toBe(before);
    // The device forgets what it pulled and gets the whole log again: nothing changes.
    second.state = memorySyncStateStore();
    const engine = second.connect();
    await online(second);
    expect(sameHeads(A.getHeads(b.doc()), heads)).toBe(true);
    expect(engine.snapshot().rejected).toBe(0);
  });

  it('a fresh account is claimed with this device\'s key (made if it has none)', async () => {
    const relay = await startProtocolRelay();
    cleanups.push(() => relay.close());
    const token = relay.addAccount('bob');
    let workspace: string | null = null;
    const d = makeDevice({ url: relay.url, token }, null, () => workspace);
    cleanups.push(() => d.close());
    const ws = d.repo.create<Note>({ text: 'ws' });
    workspace = ws.url;
    await d.repo.flush();
    d.connect();
    await online(d);
    expect(d.key).not.toBeNull();
    expect(relay.accounts.get('bob')!.keyId).toBe(d.key!.keyId);
    expect(relay.accounts.get('bob')!.workspace).toBe(workspace);
    await uploaded(relay, d, ws);
  });

  it('a legacy account: old documents downloaded, everything uploaded encrypted, then the relay is told', async () => {
    const { relay, device, key } = await setup({ legacy: true });
    const d = device(key);
    const legacyDoc = A.save(A.from<Note>({ text: 'from the old relay' }));
    let done = 0;
    const probe = d.repo.create<Note>({ text: 'x' });
    await d.repo.flush();
    const oldId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
    d.connect({
      legacy: {
        async download() {
          await d.local.put([{ documentId: oldId, name: 'bundle-1', data: legacyDoc }]);
          return true;
        },
        async done() {
          done++;
          relay.accounts.get('alice')!.legacy = false;
          return true;
        },
      },
    });
    await whenEngine(d.engine!, (s) => s.migrating);
    await whenEngine(d.engine!, (s) => !s.migrating);
    expect(done).toBe(1);
    const docs = new Set(relay.accounts.get('alice')!.log.map((e) => e.doc));
    expect(docs.has(oldId)).toBe(true);
    expect(docs.has(probe.documentId)).toBe(true);
  });

  it('close codes: a refused token stops, too many connections retries', async () => {
    const { relay, first } = await setup();
    first.connect();
    await online(first);
    relay.kick('alice', CLOSE.tooManyConnections);
    await whenEngine(first.engine!, (s) => s.status === 'too-many');
    await online(first);
    relay.kick('alice', CLOSE.tokenRefused);
    await whenEngine(first.engine!, (s) => s.status === 'refused');
  });
});
