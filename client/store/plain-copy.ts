import { isImmutableString } from '@automerge/automerge';
import type { Plain } from '../../shared/schema/index.ts';

/**
 * A mutable copy of a value read from an Automerge document, with every ImmutableString as a
 * plain string: the Solid stores hold plain strings, so the UI never sees how a string is stored.
 * (structuredClone would turn an ImmutableString into a `{ val }` object, indistinguishable
 * from a map with a `val` key.)
 */
export function plainCopy<T>(value: T): Plain<T> {
  return copy(value) as Plain<T>;
}

function copy(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (isImmutableString(v)) return v.val;
  if (Array.isArray(v)) return v.map(copy);
  if (v instanceof Uint8Array) return v.slice();
  if (v instanceof Date) return new Date(v.getTime());
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = copy(x);
  return out;
}
