import type { Patch } from '@automerge/automerge-repo';

/*
 * Which parts of a document a change touched, at the granularity the Solid store is updated:
 * a top-level field, or one entry of a top-level map (one message of a conversation, one
 * conversation of the workspace index). Reconciling only those keeps a change to one streamed
 * answer from walking the other 999 messages.
 */

export type Root = readonly [string] | readonly [string, string];

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The distinct roots the patches touch, read against `doc` (the document after them). */
export function patchRoots(patches: readonly Patch[], doc: unknown): Root[] {
  const out = new Map<string, Root>();
  for (const p of patches) {
    const [first, second] = p.path;
    if (first === undefined) continue;
    const top = String(first);
    const root: Root = second !== undefined && isMap((doc as Record<string, unknown>)[top]) ? [top, String(second)] : [top];
    out.set(root.join('\u0000'), root);
  }
  // a whole field replaced makes its entries' roots redundant
  return [...out.values()].filter((r) => r.length === 1 || !out.has(r[0]));
}

/** The value at `root` in `doc` (undefined when the change deleted it). */
export function valueAt(doc: unknown, root: Root): unknown {
  let v: unknown = doc;
  for (const key of root) v = isMap(v) ? v[key] : undefined;
  return v;
}
