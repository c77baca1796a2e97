import * as A from '@automerge/automerge';
import { characterAt, cursorOf } from './text-positions.ts';

/*
 * Undo that reverses only this device's own change, never another device's.
 *
 * A change this device made is named by the document's heads just before and just after it;
 * `A.diff` between them is exactly what it did, whatever arrived from elsewhere since. Its
 * inverse is then applied to the document as it is now:
 * - collaborative text (merged by character): the characters it inserted are removed where they
 *   are now, the ones it removed are put back where they were (positions follow the characters
 *   through later edits with Automerge cursors), so text typed since by others stays;
 * - everything else, key by key (a map entry, a field, a suggestion's title): a key goes back to
 *   its value before the change (or is deleted if it was absent) only if it still holds the value
 *   the change wrote; otherwise someone changed it since and nothing of ours is left to undo.
 */

export interface OwnChange {
  before: A.Heads;
  after: A.Heads;
}

export interface RevertOptions {
  /** top-level fields that are collaborative text (reverted by character) */
  textFields: ReadonlySet<string>;
  /** top-level fields an undo leaves alone (bookkeeping such as `updatedAt`) */
  ignore: ReadonlySet<string>;
}

type Key = string;
type TextOp = { at: number; remove: number; insert: string; order: number };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function valueAt(doc: unknown, path: readonly Key[]): unknown {
  let v: unknown = doc;
  for (const k of path) v = isObject(v) && !A.isImmutableString(v) ? v[k] : undefined;
  return v;
}

/** A value read from a document (or a view), as a fresh value that can be written into one. */
function writable(v: unknown): unknown {
  if (!isObject(v)) return v;
  if (A.isImmutableString(v)) return new A.ImmutableString(v.val);
  if (v instanceof Uint8Array) return v.slice();
  if (v instanceof Date) return new Date(v.getTime());
  if (Array.isArray(v)) return v.map(writable);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = writable(x);
  return out;
}

/** Same content, however stored (text or ImmutableString). */
function sameValue(a: unknown, b: unknown): boolean {
  if (A.isImmutableString(a)) a = a.val;
  if (A.isImmutableString(b)) b = b.val;
  if (!isObject(a) || !isObject(b)) return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => k in b && sameValue(a[k], b[k]));
}

/**
 * The inverse of this device's `change`, computed against `doc` (the document now), as a function
 * to run inside one change; null when nothing of the change is left to undo.
 */
export function revertOwnChange<T>(doc: A.Doc<T>, change: OwnChange, options: RevertOptions): ((d: T) => void) | null {
  const patches = A.diff(doc, change.before, change.after);
  const beforeView = A.view(doc, change.before);
  const afterView = A.view(doc, change.after);

  const textPatches = new Map<Key, A.Patch[]>();
  const units = new Map<string, Key[]>();
  for (const p of patches) {
    const top = p.path[0];
    if (typeof top !== 'string' || options.ignore.has(top)) continue;
    const byCharacter = options.textFields.has(top) && p.path.length === 2 && typeof p.path[1] === 'number' && (p.action === 'splice' || p.action === 'del');
    if (byCharacter) {
      textPatches.set(top, [...(textPatches.get(top) ?? []), p]);
      continue;
    }
    // a key is a path of map keys: it ends before the first list or text index
    const firstIndex = p.path.findIndex((k) => typeof k === 'number');
    const unit = (firstIndex === -1 ? p.path : p.path.slice(0, firstIndex)).map(String);
    units.set(unit.join('\u0000'), unit);
  }
  // a key replaced as a whole covers its entries, and a text field replaced as a whole its characters
  const keys = [...units.values()].filter((u) => !u.some((_, i) => i > 0 && units.has(u.slice(0, i).join('\u0000'))));
  for (const k of keys) if (k.length === 1) textPatches.delete(k[0] as Key);

  const textOps = new Map<Key, TextOp[]>();
  for (const [field, fieldPatches] of textPatches) {
    const ops = textInverse(doc, beforeView, afterView, field, fieldPatches);
    if (ops.length > 0) textOps.set(field, ops);
  }
  const writes: Array<{ key: Key[]; value: unknown }> = [];
  for (const key of keys) {
    const before = valueAt(beforeView, key);
    const after = valueAt(afterView, key);
    if (sameValue(before, after) || !sameValue(valueAt(doc, key), after)) continue;
    writes.push({ key, value: before });
  }
  if (textOps.size === 0 && writes.length === 0) return null;

  return (d: T) => {
    for (const [field, ops] of textOps) for (const op of ops) A.splice(d as A.Doc<T>, [field], op.at, op.remove, op.insert);
    for (const { key, value } of writes) {
      const parent = valueAt(d, key.slice(0, -1));
      const last = key.at(-1);
      if (!isObject(parent) || A.isImmutableString(parent) || last === undefined) continue;
      if (value === undefined) delete parent[last];
      else parent[last] = writable(value);
    }
  };
}

/** Splices (against `doc` now, in the order to apply them) that take out what `patches` did to one text. */
function textInverse(doc: A.Doc<unknown>, beforeView: A.Doc<unknown>, afterView: A.Doc<unknown>, field: Key, patches: A.Patch[]): TextOp[] {
  const path = [field];
  const beforeText = valueAt(beforeView, path);
  const original = typeof beforeText === 'string' ? beforeText : '';
  // where each character of the text after the change came from: an index of the text before it, or -1 (inserted)
  const origins: number[] = Array.from(original, (_, i) => i);
  for (const p of patches) {
    const at = p.path[1] as number;
    if (p.action === 'splice') origins.splice(at, 0, ...Array.from(p.value, () => -1));
    else if (p.action === 'del') origins.splice(at, p.length ?? 1);
  }
  const ops: TextOp[] = [];
  origins.forEach((origin, i) => {
    if (origin !== -1) return;
    const { index, present } = characterAt(doc, path, cursorOf(afterView, path, i));
    if (present) ops.push({ at: index, remove: 1, insert: '', order: 0 });
  });
  const kept = new Set(origins);
  for (let i = 0; i < original.length; ) {
    if (kept.has(i)) {
      i++;
      continue;
    }
    let end = i;
    while (end < original.length && !kept.has(end)) end++;
    // a removed character's cursor resolves to where it would be now
    const { index } = characterAt(doc, path, cursorOf(beforeView, path, i));
    ops.push({ at: index, remove: 0, insert: original.slice(i, end), order: -i });
    i = end;
  }
  // from the end backwards, so each position is still valid when it is applied; at one position a
  // removal first, then the restored runs, latest first, so they end up in their old order
  ops.sort((a, b) => b.at - a.at || b.remove - a.remove || a.order - b.order);
  return mergeRemovals(ops);
}

/** Adjacent one-character removals (already sorted from the end) as one splice. */
function mergeRemovals(ops: TextOp[]): TextOp[] {
  const out: TextOp[] = [];
  for (const op of ops) {
    const prev = out.at(-1);
    if (prev && op.insert === '' && prev.insert === '' && op.at + op.remove === prev.at) {
      prev.at = op.at;
      prev.remove += op.remove;
    } else out.push({ ...op });
  }
  return out;
}
