import { ImmutableString } from '@automerge/automerge';

/*
 * Index strings (a conversation's url, title and model; a preset's or tool's url) are written
 * as Automerge ImmutableStrings: one value each. A plain JS string is collaborative text in
 * Automerge 3, one operation per character, and loading a document costs time in proportion to
 * its operations (5,000 conversations: ~410,000 ops, a 1.2–1.5 s task at every start). Entries
 * written before hold plain strings, and history keeps them: readers accept both forever.
 */

/** What a document can hold for such a field. */
export type StoredString = string | ImmutableString;

/**
 * The string, whichever way it is stored. Also takes the `{ val }` object a structured clone
 * makes of an ImmutableString (the class is lost in a clone).
 */
export function storedString(s: string | { readonly val: string }): string {
  return typeof s === 'string' ? s : s.val;
}

/** The value to write (inside a change): one Automerge value, never per-character text. */
export function immutable(s: string | { readonly val: string }): ImmutableString {
  return new ImmutableString(storedString(s));
}

/** `T` as a UI store holds it (client/store/create-doc-store.ts): every stored string read as a string. */
export type Plain<T> = T extends ImmutableString
  ? string
  : T extends Uint8Array
    ? T
    : T extends object
      ? { [K in keyof T]: Plain<T[K]> }
      : T;
