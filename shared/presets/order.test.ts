import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { between, dropAnchor, ORDER_STEP, planMove, sortByOrder, stepAnchor, withOrders, type Orderable } from './order.ts';
import { addPresetEntry, checkDoc, initialWorkspace, setPresetOrders, setPresetPinned, type WorkspaceDoc } from '../schema/index.ts';

const ids = (list: readonly Orderable[]) => sortByOrder(list).map((e) => e.id);
/** a, b, c, d added in that order: shown newest first */
const four = (): Orderable[] => [
  { id: 'a', addedAt: 1 },
  { id: 'b', addedAt: 2 },
  { id: 'c', addedAt: 3 },
  { id: 'd', addedAt: 4 },
];
const move = (list: Orderable[], id: string, anchor: Parameters<typeof planMove>[2]) => withOrders(list, planMove(list, id, anchor));

describe('personal order of presets', () => {
  it('presets never moved are listed newest first, and one added later lands on top of a hand-made order', () => {
    const list = move(four(), 'd', { after: 'a' });
    expect(ids(list)).toEqual(['c', 'b', 'a', 'd']);
    expect(ids([...list, { id: 'e', addedAt: 5 }])).toEqual(['e', 'c', 'b', 'a', 'd']);
  });

  it('a move writes the moved preset only, before or after any other', () => {
    const list = four();
    expect(planMove(list, 'a', { before: 'd' })).toEqual({ a: expect.any(Number) });
    expect(ids(move(list, 'a', { before: 'd' }))).toEqual(['a', 'd', 'c', 'b']);
    expect(ids(move(list, 'd', { after: 'b' }))).toEqual(['c', 'b', 'd', 'a']);
    expect(ids(move(list, 'c', { before: 'a' }))).toEqual(['d', 'b', 'c', 'a']);
  });

  it('a move that changes nothing, or names an unknown preset, writes nothing', () => {
    expect(planMove(four(), 'c', { after: 'd' })).toEqual({});
    expect(planMove(four(), 'c', { before: 'c' })).toEqual({});
    expect(planMove(four(), 'x', { before: 'a' })).toEqual({});
    expect(planMove(four(), 'a', { before: 'x' })).toEqual({});
  });

  it('moving up and down among the shown presets skips those a filter hides, and keeps their place', () => {
    // shown: d, b, a (c hidden by a filter); a moves up past b
    const shown = ['d', 'b', 'a'];
    const up = stepAnchor(shown, 'a', -1)!;
    expect(up).toEqual({ before: 'b' });
    expect(ids(move(four(), 'a', up))).toEqual(['d', 'c', 'a', 'b']);
    expect(stepAnchor(shown, 'd', -1)).toBeNull();
    expect(stepAnchor(shown, 'a', 1)).toBeNull();
    const down = stepAnchor(shown, 'd', 1)!;
    expect(ids(move(four(), 'd', down))).toEqual(['c', 'b', 'd', 'a']);
  });

  it('a card dropped on another takes its place, coming from above or below', () => {
    const shown = ['d', 'c', 'b', 'a'];
    expect(ids(move(four(), 'd', dropAnchor(shown, 'd', 'b')!))).toEqual(['c', 'b', 'd', 'a']);
    expect(ids(move(four(), 'a', dropAnchor(shown, 'a', 'c')!))).toEqual(['d', 'a', 'c', 'b']);
    expect(dropAnchor(shown, 'a', 'a')).toBeNull();
  });

  it('a gap with no room left renumbers the list in the wanted order', () => {
    expect(between(1, 1)).toBeNull();
    let list: Orderable[] = [
      { id: 'a', addedAt: 0, order: 0 },
      { id: 'b', addedAt: 0, order: Number.MIN_VALUE },
      { id: 'c', addedAt: 0, order: 1 },
    ];
    list = move(list, 'c', { after: 'a' });
    expect(ids(list)).toEqual(['a', 'c', 'b']);
    expect(list.map((e) => e.order)).toEqual([0, 2 * ORDER_STEP, ORDER_STEP]);
  });

  it('a hundred moves into the same gap keep the order exact', () => {
    let list = four();
    for (let i = 0; i < 100; i++) {
      const id = i % 2 ? 'a' : 'b';
      list = move(list, id, { after: 'd' });
      expect(ids(list).slice(0, 2)).toEqual(['d', id]);
      expect(new Set(ids(list)).size).toBe(4);
    }
  });
});

describe('order and pins in the workspace document', () => {
  const workspace = () => {
    let ws = A.from(initialWorkspace('w', 0) as unknown as Record<string, unknown>) as A.Doc<WorkspaceDoc>;
    ws = A.change(ws, (d) => {
      for (const e of four()) addPresetEntry(d, e.id, `automerge:${e.id}`, e.addedAt);
    });
    return ws;
  };
  const entries = (ws: WorkspaceDoc): Orderable[] => Object.entries(ws.presets).map(([id, e]) => ({ id, addedAt: e.addedAt, order: e.order ?? null }));

  it('two devices reordering different presets at once both keep their moves after merging', () => {
    const base = workspace();
    // device 1 moves a to the top; device 2, without seeing it, moves d to the bottom
    const one = A.change(A.clone(base), (d) => setPresetOrders(d, planMove(entries(d), 'a', { before: 'd' })));
    const two = A.change(A.clone(base), (d) => setPresetOrders(d, planMove(entries(d), 'd', { after: 'a' })));
    const merged = A.merge(A.clone(one), two);
    expect(ids(entries(merged))).toEqual(['a', 'c', 'b', 'd']);
    expect(ids(entries(A.merge(A.clone(two), one)))).toEqual(['a', 'c', 'b', 'd']);
  });

  it('pins made on two devices at once both stay', () => {
    const base = workspace();
    const one = A.change(A.clone(base), (d) => setPresetPinned(d, 'a', true));
    const two = A.change(A.clone(base), (d) => setPresetPinned(d, 'c', true));
    const merged = A.merge(A.clone(one), two);
    expect(Object.entries(merged.presets).filter(([, e]) => e.pinned).map(([id]) => id).sort()).toEqual(['a', 'c']);
  });

  it('a workspace written before order and pins existed is read as it is, newest first and nothing pinned', () => {
    const old = A.from({ ...initialWorkspace('w', 0), presets: {} } as unknown as Record<string, unknown>) as A.Doc<WorkspaceDoc>;
    const ws = A.change(old, (d) => {
      d.presets.x = { url: 'automerge:x', addedAt: 1, deletedAt: null, purgedAt: null };
      d.presets.y = { url: 'automerge:y', addedAt: 2, deletedAt: null, purgedAt: null };
    });
    expect(checkDoc('atelier/workspace', ws).status).toBe('ok');
    expect(ids(entries(ws))).toEqual(['y', 'x']);
    const moved = A.change(ws, (d) => {
      setPresetOrders(d, planMove(entries(d), 'x', { before: 'y' }));
      setPresetPinned(d, 'x', true);
    });
    expect(checkDoc('atelier/workspace', moved).status).toBe('ok');
    expect(ids(entries(moved))).toEqual(['x', 'y']);
  });

  it('a bad order or pin value is refused by the check', () => {
    const ws = A.change(workspace(), (d) => {
      (d.presets.a as unknown as Record<string, unknown>).pinned = 'yes';
    });
    expect(checkDoc('atelier/workspace', ws).status).toBe('invalid');
  });
});
