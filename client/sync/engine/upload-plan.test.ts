import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { chunkFor, compactionDue, knownRelayHeads, planUploads, type UploadGate } from './upload-plan.ts';

const open: UploadGate = { caughtUp: true, keyOk: true, stopped: false, pausedUntil: 0, now: 1_000 };
const none = { uploading: new Set<string>(), refused: new Set<string>() };

describe('push planner', () => {
  it('pushes nothing before catching up under the account\'s key, once stopped, or while the relay asked to wait', () => {
    expect(planUploads(['a'], none, open, 8)).toEqual(['a']);
    expect(planUploads(['a'], none, { ...open, caughtUp: false }, 8)).toEqual([]);
    expect(planUploads(['a'], none, { ...open, keyOk: false }, 8)).toEqual([]);
    expect(planUploads(['a'], none, { ...open, stopped: true }, 8)).toEqual([]);
    expect(planUploads(['a'], none, { ...open, pausedUntil: 1_001 }, 8)).toEqual([]);
    expect(planUploads(['a'], none, { ...open, pausedUntil: 1_000 }, 8)).toEqual(['a']);
  });

  it('keeps at most the limit under way, compactions included, in the ledger\'s order', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    expect(planUploads(ids, none, open, 3)).toEqual(['a', 'b', 'c']);
    expect(planUploads(ids, { uploading: new Set(['compact:x', 'b']), refused: new Set() }, open, 3)).toEqual(['a']);
    expect(planUploads(ids, { uploading: new Set(['x', 'y', 'z']), refused: new Set() }, open, 3)).toEqual([]);
  });

  it('does not offer again a document already on its way or refused for good in this session', () => {
    expect(planUploads(['a', 'b', 'c'], { uploading: new Set(['a']), refused: new Set(['b']) }, open, 8)).toEqual(['c']);
  });

  it('sends the whole document to a relay that has none of it, the changes since the relay\'s heads, or nothing when it holds them', () => {
    let doc = A.from({ n: 1 });
    const first = A.getHeads(doc);
    expect(chunkFor([], first)).toBe('snapshot');
    expect(chunkFor(first, first)).toBe('none');
    doc = A.change(doc, (d) => {
      d.n = 2;
    });
    expect(chunkFor(first, A.getHeads(doc))).toBe('change');
    // concurrent changes: two heads, in either order, are the same heads
    let other = A.change(A.clone(doc, { actor: 'bb'.repeat(16) }), (d) => {
      d.n = 3;
    });
    doc = A.change(doc, (d) => {
      d.n = 4;
    });
    other = A.merge(other, doc);
    const heads = A.getHeads(other);
    expect(heads).toHaveLength(2);
    expect(chunkFor([...heads].reverse(), heads)).toBe('none');
  });

  it('compacts a document with more chunks than the limit only once the relay holds all of it', () => {
    const doc = A.from({ n: 1 });
    const heads = A.getHeads(doc);
    expect(compactionDue(33, 32, heads, heads)).toBe(true);
    expect(compactionDue(32, 32, heads, heads)).toBe(false);
    const later = A.getHeads(A.change(doc, (d) => {
      d.n = 2;
    }));
    expect(compactionDue(40, 32, later, heads)).toBe(false);
  });

  it('takes the heads of what was received from the relay when none were recorded and the document holds them all', () => {
    const has = (known: string[]) => (heads: string[]) => heads.every((h) => known.includes(h));
    expect(knownRelayHeads(['r'], ['x'], has(['r', 'x']))).toEqual(['r']);
    expect(knownRelayHeads([], ['x'], has(['x']))).toEqual(['x']);
    expect(knownRelayHeads([], ['x', 'y'], has(['x']))).toEqual([]);
    expect(knownRelayHeads([], null, has(['x']))).toEqual([]);
    expect(knownRelayHeads([], [], has([]))).toEqual([]);
  });
});
