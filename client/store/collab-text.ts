import * as A from '@automerge/automerge';
import type { DocHandle } from '@automerge/automerge-repo';
import type { Splice } from './input-splice.ts';
import { mapCarets } from './text-positions.ts';

/** A text as a field last showed it: its content and the document version it was read at. */
export interface TextVersion {
  readonly text: string;
  /** heads of the document the text was read from (none for a text only this page edits) */
  readonly heads: readonly string[];
}

/**
 * A collaborative text (merged by character) as a text field binds to it. Edits are made against
 * the version the field showed, and land where they were typed in the text as it is now, even if
 * other edits arrived in between.
 */
export interface CollabText {
  /** the current text (reactive) */
  value: () => string;
  /** the current text with its version (not reactive) */
  snapshot: () => TextVersion;
  /** applies a local edit made on `base`'s text; returns where the edit ends now (the caret after it) */
  splice: (base: TextVersion, edit: Splice) => number;
  /** caret positions in `base`'s text, mapped to the same places in the current text */
  mapCarets: (base: TextVersion, carets: readonly number[]) => number[];
}

function textAt(doc: unknown, field: string): string {
  const v = (doc as Record<string, unknown>)[field];
  if (typeof v === 'string') return v;
  return A.isImmutableString(v) ? v.val : '';
}

/**
 * A top-level text field of a synced document. `write` makes the change (so the caller can
 * record it, e.g. for undo); `value` is the field as the page's store holds it.
 */
export function docText<T>(handle: DocHandle<T>, field: string, value: () => string, write: (fn: (d: T) => void) => void): CollabText {
  const path = [field];
  const snapshot = (): TextVersion => {
    const doc = handle.doc();
    return { text: textAt(doc, field), heads: A.getHeads(doc) };
  };
  const carets = (base: TextVersion, positions: readonly number[]) => mapCarets(handle.doc() as A.Doc<unknown>, path, [...base.heads], positions);
  return {
    value,
    snapshot,
    mapCarets: carets,
    splice: (base, edit) => {
      const [start = 0, end = 0] = carets(base, [edit.index, edit.index + edit.remove]);
      write((d) => A.splice(d as A.Doc<T>, path, start, Math.max(0, end - start), edit.insert));
      return start + edit.insert.length;
    },
  };
}

/** A text only this page edits (a draft): versions never diverge, so positions need no mapping. */
export function localText(value: () => string, set: (text: string) => void): CollabText {
  return {
    value,
    snapshot: () => ({ text: value(), heads: [] }),
    mapCarets: (_base, positions) => [...positions],
    splice: (_base, edit) => {
      const text = value();
      set(text.slice(0, edit.index) + edit.insert + text.slice(edit.index + edit.remove));
      return edit.index + edit.insert.length;
    },
  };
}
