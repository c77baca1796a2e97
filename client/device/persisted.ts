import { createSignal, onCleanup, type Accessor } from 'solid-js';
import * as v from 'valibot';
import { reportUnreadable, reportUnwritable, storedAgain, type StoredThing } from './storage-problems.ts';

/*
 * The one way this device's own settings and caches are kept in localStorage (never synced).
 *
 * Why not @solid-primitives/storage's makePersisted: its deserialize errors are only logged (in
 * development builds), a failing setItem escapes from the setter after the signal changed, a write
 * stores the tab's whole value (a tab with an old view undoes another tab's change), and its
 * `storageSync` ignores events from a tab at another URL — the usual case here.
 *
 * Invariants: a read never throws and always yields a value the schema accepts (what validates
 * is kept, the rest falls back to defaults); a stored value that does not validate is, for a
 * store that holds the person's data (`keepInvalid`), copied aside once under `<key>.unreadable`
 * and reported, never silently replaced; every failed write is reported (storage-problems.ts)
 * and cleared by the next successful one; `update` works on the freshest stored value.
 */

export type StorageLike = Pick<Storage, 'getItem' | 'setItem'> & Partial<Pick<Storage, 'removeItem'>>;

export interface PersistedSpec<T> {
  key: string;
  /** what the person would lose, named in the alert */
  what: StoredThing;
  schema: v.GenericSchema<unknown, T>;
  /** a fresh default (no value stored, storage refused, or nothing of it validates) */
  fallback: () => T;
  /** stored as plain text rather than JSON (drafts, language, ids, URLs): the schema sees the string; null removes the key */
  text?: boolean;
  /**
   * What of a value that fails `schema` can still be used (items that validate, fields that do).
   * `parsed` is undefined when the text is not JSON. Default: the fallback.
   */
  salvage?: (parsed: unknown, text: string) => T;
  /** the stored value is the person's data: an invalid one is kept aside and reported (caches leave this off) */
  keepInvalid?: boolean;
  /** where the value lives; default localStorage (undefined when the browser refuses it) */
  storage?: () => StorageLike | undefined;
}

export interface Persisted<T> {
  readonly key: string;
  /** the stored value, validated */
  read(): T;
  /** stores `value`; false (and reported) when the browser refused */
  write(value: T): boolean;
  remove(): boolean;
  /** `fn` applied to the freshest stored value, stored; returns what `fn` made (in use even if the write failed) */
  update(fn: (fresh: T) => T): T;
  /** other tabs' writes of this key (and a clear of the storage); returns the unsubscribe */
  follow(fn: (value: T, previous: T) => void): () => void;
}

/** localStorage, or undefined where merely touching it throws (storage turned off). */
export function browserStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

/** A salvage for lists: the items that validate, in order. */
export function validItems<T>(item: v.GenericSchema<unknown, T>): (parsed: unknown) => T[] {
  return (parsed) => (Array.isArray(parsed) ? parsed.flatMap((x) => { const r = v.safeParse(item, x); return r.success ? [r.output] : []; }) : []);
}

export function makePersisted<T>(spec: PersistedSpec<T>): Persisted<T> {
  const storage = spec.storage ?? browserStorage;
  const keptAt = `${spec.key}.unreadable`;

  const keepAside = (text: string) => {
    const s = storage();
    try {
      if (s && s.getItem(keptAt) === null) s.setItem(keptAt, text);
    } catch {
      // no room for the copy: the value itself stays until a write replaces it
    }
    reportUnreadable(spec.key, spec.what, keptAt);
  };

  const parse = (text: string | null, report: boolean): T => {
    if (text === null) return spec.fallback();
    let parsed: unknown;
    let json = true;
    if (spec.text) parsed = text;
    else
      try {
        parsed = JSON.parse(text);
      } catch {
        json = false;
      }
    if (json) {
      const strict = v.safeParse(spec.schema, parsed);
      if (strict.success) return strict.output;
    }
    if (report && spec.keepInvalid) keepAside(text);
    try {
      return spec.salvage ? spec.salvage(json ? parsed : undefined, text) : spec.fallback();
    } catch {
      return spec.fallback();
    }
  };

  const readText = (): string | null => {
    try {
      return storage()?.getItem(spec.key) ?? null;
    } catch {
      return null; // refused (private mode): a write will say so
    }
  };

  const store = (text: string | null): boolean => {
    try {
      const s = storage();
      if (!s) throw new DOMException('This browser does not let the site store data.', 'SecurityError');
      if (text === null) s.removeItem?.(spec.key);
      else s.setItem(spec.key, text);
    } catch (err) {
      reportUnwritable(spec.key, spec.what, err);
      return false;
    }
    storedAgain(spec.key);
    return true;
  };

  const serialize = (value: T): string | null => (spec.text ? (value === null || value === undefined ? null : String(value)) : JSON.stringify(value));

  return {
    key: spec.key,
    read: () => parse(readText(), true),
    write: (value) => store(serialize(value)),
    remove: () => store(null),
    update(fn) {
      const next = fn(parse(readText(), true));
      store(serialize(next));
      return next;
    },
    follow(fn) {
      if (typeof window === 'undefined') return () => undefined;
      const onStorage = (e: StorageEvent) => {
        if (e.key !== spec.key && e.key !== null) return;
        const s = storage();
        if (!s || e.storageArea !== s) return;
        // key null: the whole storage was cleared
        fn(parse(e.key === null ? null : e.newValue, true), parse(e.key === null ? null : e.oldValue, false));
      };
      window.addEventListener('storage', onStorage);
      return () => window.removeEventListener('storage', onStorage);
    },
  };
}

/**
 * A reactive view of a persisted value: follows other tabs, and `set` stores (a function is
 * applied to the freshest stored value, so another tab's write in between is not undone).
 * Lives as long as the reactive owner it is created in.
 */
export function createPersisted<T>(spec: PersistedSpec<T> | Persisted<T>, equals?: (a: T, b: T) => boolean): [Accessor<T>, (next: T | ((fresh: T) => T)) => void] {
  const p = 'follow' in spec ? spec : makePersisted(spec);
  const [value, setValue] = createSignal<T>(p.read(), { equals: equals ?? false });
  onCleanup(p.follow((next) => setValue(() => next)));
  const set = (next: T | ((fresh: T) => T)) => {
    const made = typeof next === 'function' ? p.update(next as (fresh: T) => T) : next;
    if (typeof next !== 'function') p.write(made);
    setValue(() => made);
  };
  return [value, set];
}
