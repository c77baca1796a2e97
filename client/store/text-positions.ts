import * as A from '@automerge/automerge';

/*
 * Positions in a collaborative text, carried from one version of a document to a later one with
 * Automerge cursors (which name characters, not indexes), so they stay put across concurrent
 * edits made elsewhere in the text.
 */

type Path = A.Prop[];

function textLength(doc: A.Doc<unknown>, path: Path): number {
  let v: unknown = doc;
  for (const k of path) v = typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[k] : undefined;
  return typeof v === 'string' ? v.length : 0;
}

/** Whether the character `cursor` names is still in `doc`'s text, and its index if so (else where it was). */
export function characterAt(doc: A.Doc<unknown>, path: Path, cursor: A.Cursor): { index: number; present: boolean } {
  // a cursor made with the default move ('after') resolves a removed character to the index it
  // would have now, i.e. the number of characters still before it
  const index = A.getCursorPosition(doc, path, cursor);
  const present = index < textLength(doc, path) && A.getCursor(doc, path, index) === cursor;
  return { index, present };
}

/** The cursor of the character at `index` of the text in `doc` (which may be a view at past heads). */
export function cursorOf(doc: A.Doc<unknown>, path: Path, index: number): A.Cursor {
  return A.getCursor(doc, path, index);
}

/**
 * Caret positions (between characters) in the text at `from` heads, mapped to `doc`'s current text.
 * A caret sticks to the character before it (the one just typed), so text another device inserts
 * right at the caret goes after it, and the caret does not move when others type elsewhere.
 */
export function mapCarets(doc: A.Doc<unknown>, path: Path, from: A.Heads, carets: readonly number[]): number[] {
  const now = A.getHeads(doc);
  if (sameHeads(now, from)) return [...carets];
  // a version this document does not have (it was replaced, not changed): keep the indexes, in range
  if (!A.hasHeads(doc, from)) return carets.map((p) => Math.min(Math.max(0, p), textLength(doc, path)));
  const past = A.view(doc, from);
  const length = textLength(past, path);
  return carets.map((p) => {
    const at = Math.min(Math.max(0, p), length);
    if (at === 0) return 0;
    const { index, present } = characterAt(doc, path, cursorOf(past, path, at - 1));
    return present ? index + 1 : index;
  });
}

export function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((h) => set.has(h));
}
