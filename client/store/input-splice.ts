/** One text edit: at `index`, remove `remove` characters and insert `insert`. */
export interface Splice {
  index: number;
  remove: number;
  insert: string;
}

function commonPrefix(a: string, b: string, limit: number): number {
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * The edit an input event made, from the field's text before it, its text after it, and the caret
 * after it (the end of what was typed or pasted). The caret settles what a plain text diff cannot:
 * typing "a" into "aa" at 1 is an insert at 1, not at 2. Null when the text did not change.
 */
export function inputSplice(before: string, after: string, caret: number): Splice | null {
  if (before === after) return null;
  const tail = after.length - caret;
  if (caret >= 0 && tail >= 0 && tail <= before.length && before.endsWith(after.slice(caret))) {
    const index = commonPrefix(before, after, Math.min(caret, before.length - tail));
    return { index, remove: before.length - tail - index, insert: after.slice(index, caret) };
  }
  // caret unknown or inconsistent: the smallest single edit
  const index = commonPrefix(before, after, Math.min(before.length, after.length));
  let end = 0;
  while (end < Math.min(before.length, after.length) - index && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  return { index, remove: before.length - end - index, insert: after.slice(index, after.length - end) };
}
