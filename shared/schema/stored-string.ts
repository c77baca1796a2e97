import * as v from 'valibot';
import { ImmutableString, isImmutableString } from '@automerge/automerge';

/*
 * Index strings (a conversation's url, title and model; a preset's or tool's url) are written
 * as Automerge ImmutableStrings: one value each. A plain JS string is collaborative text in
 * Automerge 3, one operation per character, and loading a document costs time in proportion to
 * its operations (5,000 conversations: ~410,000 ops, a 1.2–1.5 s task at every start). Entries
 * written before hold plain strings, and history keeps them: readers accept both forever.
 */

/** What a document can hold for such a field. */
export type StoredString = string | ImmutableString;

/** An ImmutableString known to hold a `T` (a status, a role: one of a few strings). */
export type ImmutableOf<T extends string> = ImmutableString & { readonly val: T };

/**
 * What a document can hold for a field of string type `T`: the plain string (written as text
 * before the field became one value) or one ImmutableString. Compare it only through
 * `storedString`: `m.status === 'streaming'` is silently false on an ImmutableString.
 */
export type Stored<T extends string> = T | ImmutableOf<T>;

/**
 * The string, whichever way it is stored. Also takes the `{ val }` object a structured clone
 * makes of an ImmutableString (the class is lost in a clone).
 */
export function storedString<T extends string>(s: T | { readonly val: T }): T {
  return typeof s === 'string' ? s : s.val;
}

/** `storedString` of a nullable field (a message's `parentId`, the conversation's `currentId`). */
export function storedOrNull<T extends string>(s: T | { readonly val: T } | null | undefined): T | null {
  return s === null || s === undefined ? null : storedString(s);
}

/** The value to write (inside a change): one Automerge value, never per-character text. */
export function immutable<T extends string>(s: T | { readonly val: T }): ImmutableOf<T> {
  return new ImmutableString(storedString(s)) as ImmutableOf<T>;
}

/** `T` as a UI store holds it (client/store/create-doc-store.ts): every stored string read as a string. */
export type Plain<T> = T extends ImmutableString
  ? T extends { readonly val: infer V extends string }
    ? V
    : string
  : T extends Uint8Array
    ? T
    : T extends object
      ? { [K in keyof T]: Plain<T[K]> }
      : T;

/** valibot: a plain string or an ImmutableString (or the `{ val }` object a structured clone makes of one). */
export const storedStringSchema = v.custom<StoredString>(
  (x) => typeof x === 'string' || (typeof x === 'object' && x !== null && typeof (x as { val?: unknown }).val === 'string'),
  'expected a string',
);

/**
 * valibot: one of `options`, stored either way (a status, a role). The inferred type keeps the
 * literal union, so `storedString` of the field is typed as that union.
 */
export function storedPicklist<const T extends readonly [string, ...string[]]>(options: T, message = 'expected one of ' + options.join(', ')) {
  const allowed = new Set<string>(options);
  return v.custom<Stored<T[number]>>((x) => {
    const s = typeof x === 'string' ? x : typeof x === 'object' && x !== null ? (x as { val?: unknown }).val : undefined;
    return typeof s === 'string' && allowed.has(s);
  }, message);
}

/**
 * A deep copy of a value read from a document, every ImmutableString as a plain string (the
 * shape UI stores and imported presets hold). Used to compare a live value with a new one.
 */
export function plainValue<T>(value: T): Plain<T> {
  return copyPlain(value) as Plain<T>;
}

function copyPlain(x: unknown): unknown {
  if (typeof x !== 'object' || x === null) return x;
  if (isImmutableString(x)) return x.val;
  if (Array.isArray(x)) return x.map(copyPlain);
  if (x instanceof Uint8Array) return x.slice();
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(x)) out[k] = copyPlain(val);
  return out;
}
