import { describe, expect, it } from 'vitest';
import { COALESCE_MS, MAX_UNDO, recordOwnChange, type UndoStep } from './undo-steps.ts';

const change = (before: string, after: string) => ({ before: [before], after: [after] });

describe('recordOwnChange', () => {
  it('keystrokes in one field in quick succession are one step and one range of history', () => {
    let steps: UndoStep[] = [];
    steps = recordOwnChange(steps, 'system', change('h0', 'h1'), 1000);
    steps = recordOwnChange(steps, 'system', change('h1', 'h2'), 1200);
    expect(steps).toEqual([{ key: 'system', changes: [{ before: ['h0'], after: ['h2'] }], at: 1200 }]);
  });

  it('a change from another device between two keystrokes splits the step into two ranges, so an undo never spans it', () => {
    let steps: UndoStep[] = [];
    steps = recordOwnChange(steps, 'system', change('h0', 'h1'), 1000);
    // h1 → r1 came from elsewhere
    steps = recordOwnChange(steps, 'system', change('r1', 'h2'), 1100);
    expect(steps).toHaveLength(1);
    expect(steps[0]?.changes).toEqual([change('h0', 'h1'), change('r1', 'h2')]);
  });

  it('another field, or a pause, starts a new step; only the last MAX_UNDO steps are kept', () => {
    let steps: UndoStep[] = [];
    steps = recordOwnChange(steps, 'system', change('h0', 'h1'), 1000);
    steps = recordOwnChange(steps, 'tags', change('h1', 'h2'), 1100);
    steps = recordOwnChange(steps, 'tags', change('h2', 'h3'), 1100 + COALESCE_MS);
    expect(steps.map((s) => s.key)).toEqual(['system', 'tags', 'tags']);
    for (let i = 0; i < MAX_UNDO; i++) steps = recordOwnChange(steps, i % 2 ? 'a' : 'b', change(`x${i}`, `x${i + 1}`), 10_000 + i);
    expect(steps).toHaveLength(MAX_UNDO);
  });
});
