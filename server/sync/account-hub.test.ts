/**
 * Open accounts on the relay (Hubs): the reclaim timer of an account that stays open, and the
 * memory hand-back when the last account closes. Real chunk logs on real files; the clock and
 * the timer are driven by the test (no waiting).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { storeChunk } from '../chunk-store/acceptance.ts';
import { FilesChunkStore } from '../chunk-store/files-store.ts';
import { decodeRelayFrame, entryBodies, type RelayHeader } from '../../shared/sync/protocol.ts';
import type { StoredEntry } from '../chunk-store/chunk-store.ts';
import type { HubMember, SharedFrame } from './account-hub.ts';
import { Hubs, type Every } from './hubs.ts';

const ACCOUNT = 'a1b2c3d4e5f6a7b8c9d0e1f2';
const DOC = '2B8dUkN3xRrXx4WQ9Hc6fGhyT1pZ';
const GRACE_MS = 60_000;
const cid = () => randomBytes(16).toString('base64url');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function member(): HubMember {
  return { id: cid(), setPaused: () => {}, onEntries: () => {}, onPresence: () => {} };
}

/** Hubs over a real files store whose clock and reclaim timer the test moves. */
function setup() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'atelier-hubs-'));
  dirs.push(dataDir);
  const clock = { now: 1_000_000 };
  const ticks = new Map<number, () => Promise<void>>();
  let nextTimer = 0;
  const every: Every = (_ms, fn) => {
    const id = nextTimer++;
    ticks.set(id, fn);
    return () => ticks.delete(id);
  };
  let allClosed = 0;
  const store = new FilesChunkStore({ dataDir, graceMs: GRACE_MS, now: () => clock.now });
  const hubs = new Hubs(store, 64 * 1024 * 1024, 1024 * 1024, () => {}, { every, reclaimEveryMs: 60_000, onAllClosed: () => allClosed++ });
  /** runs every reclaim timer once, as its interval would */
  const tick = () => Promise.all([...ticks.values()].map((fn) => fn()));
  return { hubs, clock, tick, ticks, allClosed: () => allClosed };
}

describe('open accounts on the relay', () => {
  it('reclaims chunks dropped past the grace period in an account that stays open', async () => {
    const { hubs, clock, tick, ticks } = setup();
    const hub = await hubs.get(ACCOUNT);
    hub.join(member());
    const old = cid();
    const { seq } = await storeChunk(hub.log, { doc: DOC, chunk: old, kind: 'change' }, randomBytes(200_000));
    const snapshot = randomBytes(1_000);
    await storeChunk(hub.log, { doc: DOC, chunk: cid(), kind: 'snapshot', covers: [old] }, snapshot);
    const dropped = { seq, doc: DOC, chunk: old, kind: 'change' as const, size: 200_000 };
    expect(ticks.size).toBe(1);

    // Within the grace period the dropped chunk stays on disk (recoverable).
    const before = hub.log.bytesUsed();
    await tick();
    expect(hub.log.bytesUsed()).toBe(before);
    expect((await hub.log.read(dropped, 0, 10)).length).toBe(10);

    clock.now += GRACE_MS + 1;
    await tick();
    expect(hub.log.bytesUsed()).toBeLessThan(before - 190_000);
    await expect(hub.log.read(dropped, 0, 10)).rejects.toThrow(/no longer stored/);
    // The snapshot is still served, and the hub still open.
    const live = hub.log.entriesAfter(0, 10);
    expect(live.map((e) => e.kind)).toEqual(['snapshot']);
    expect(Buffer.from(await hub.log.read(live[0]!, 0, snapshot.length)).equals(snapshot)).toBe(true);
    expect(await hubs.get(ACCOUNT)).toBe(hub);
    await hubs.closeAll();
    expect(ticks.size).toBe(0);
  });

  it('sends a chunk that arrived in one part to the other members from memory: one frame, shared, without its uploader', async () => {
    const { hubs } = setup();
    const hub = await hubs.get(ACCOUNT);
    const got = new Map<string, { entries: readonly StoredEntry[]; frame: SharedFrame | undefined }[]>();
    const listening = (id: string): HubMember => ({
      id,
      setPaused: () => {},
      onEntries: (entries, frame) => {
        frame?.take();
        got.set(id, [...(got.get(id) ?? []), { entries, frame }]);
      },
      onPresence: () => {},
    });
    const [up, b, c] = [listening('up'), listening('b'), listening('c')];
    for (const m of [up, b, c]) hub.join(m);
    const chunk = cid();
    const bytes = randomBytes(3_000);
    hub.setOrigin(DOC, chunk, up, bytes);
    // The log's bytes are never read for it: a log that refuses reads changes nothing.
    hub.log.readInto = () => Promise.reject(new Error('read from the log'));
    await storeChunk(hub.log, { doc: DOC, chunk, kind: 'change' }, bytes);
    expect(got.has('up')).toBe(false);
    const [fb, fc] = [got.get('b')?.[0]?.frame, got.get('c')?.[0]?.frame];
    expect(fb).toBeDefined();
    expect(fc).toBe(fb);
    const decoded = decodeRelayFrame(fb!.frame);
    if (!decoded.ok || decoded.frame.header.t !== 'entries') throw new Error('not an entries frame');
    const frame = decoded.frame as { header: Extract<RelayHeader, { t: 'entries' }>; body: Uint8Array };
    expect(frame.header.entries.map((e) => [e.chunk, e.offset, e.len])).toEqual([[chunk, 0, bytes.length]]);
    expect(Buffer.from(entryBodies(frame)[0]!).equals(bytes)).toBe(true);
    // Its bytes count in flight until every member that took it is done with it.
    expect(hub.stats().bytesInFlight).toBe(fb!.frame.length);
    fb!.done();
    expect(hub.stats().bytesInFlight).toBe(fb!.frame.length);
    fc!.done();
    expect(hub.stats().bytesInFlight).toBe(0);
    await hubs.closeAll();
  });

  it('gives memory back once the last open account has closed, not before', async () => {
    const { hubs, allClosed, ticks } = setup();
    const a = await hubs.get(ACCOUNT);
    const b = await hubs.get('b1b2c3d4e5f6a7b8c9d0e1f2');
    const ma = member();
    const mb = member();
    a.join(ma);
    b.join(mb);
    a.leave(ma);
    hubs.release(a);
    await expect.poll(() => ticks.size).toBe(1);
    expect(allClosed()).toBe(0);
    b.leave(mb);
    hubs.release(b);
    await expect.poll(allClosed).toBe(1);
    expect(ticks.size).toBe(0);
  });
});
