import type { OwnChange } from '../store/revert-own-change.ts';
import { sameHeads } from '../store/text-positions.ts';

/** keystrokes in one field within this window are one undo step */
export const COALESCE_MS = 1500;
export const MAX_UNDO = 50;

/** One undo step: this device's own changes to one field, oldest first. */
export interface UndoStep<K extends string = string> {
  key: K;
  changes: OwnChange[];
  /** time of the step's last change */
  at: number;
}

/**
 * The undo steps after this device made `change` to `key` at `now`: part of the last step when it
 * edits the same field within COALESCE_MS, else a new step (the oldest dropped past MAX_UNDO).
 * Own changes with nothing from elsewhere between them are one range of history; a change from
 * another device in between splits the step into ranges, so an undo never spans it.
 */
export function recordOwnChange<K extends string>(steps: readonly UndoStep<K>[], key: K, change: OwnChange, now: number): UndoStep<K>[] {
  const last = steps.at(-1);
  if (last && last.key === key && now - last.at < COALESCE_MS) {
    const prev = last.changes.at(-1);
    const changes = prev && sameHeads(prev.after, change.before) ? [...last.changes.slice(0, -1), { before: prev.before, after: change.after }] : [...last.changes, change];
    return [...steps.slice(0, -1), { key, changes, at: now }];
  }
  return [...steps, { key, changes: [change], at: now }].slice(-MAX_UNDO);
}
