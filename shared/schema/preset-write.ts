import { updateText } from '@automerge/automerge';
import { PRESET_FIELDS, PRESET_FIELD_NAMES, type FieldStore, type PresetDoc, type PresetField, type PresetView } from './preset.ts';
import { immutable, plainValue } from './stored-string.ts';

/*
 * Writing presets, field by field as PRESET_FIELDS says: a new document (storablePreset), one
 * field's value (storableField: an undo or a restore), and an import-replace over a live
 * document (replacePresetFields). None of them lists fields: a field added to the schema is
 * handled by its policy.
 */

type Rec = Record<string, unknown>;

const isMap = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);
const same = (a: unknown, b: unknown): boolean => equal(plainValue(a), plainValue(b));

/** Deep equality of plain values; key order does not matter (Automerge reads map keys sorted). */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (!isMap(a) || !isMap(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => k in b && equal(a[k], b[k]));
}

/** `value` (a plain string where the document keeps one value) as `store` writes it; undefined = leave absent. */
function stored(store: FieldStore, value: unknown): unknown {
  if (value === undefined) return undefined;
  switch (store) {
    case 'plain':
      return plainValue(value);
    case 'one-value':
      return typeof value === 'string' || isMap(value) ? immutable(value as string) : value;
    case 'one-value-each':
      if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((s: string) => immutable(s));
      if (isMap(value)) return mapValues(value, (s) => immutable(s as string));
      return value;
    case 'suggestions':
      return isMap(value) ? mapValues(value, (s) => ({ ...plainValue(s as Rec), title: immutable((s as { title: string }).title) })) : value;
  }
}

function mapValues(r: Rec, f: (x: unknown) => unknown): Rec {
  const out: Rec = {};
  for (const [k, x] of Object.entries(r)) out[k] = f(x);
  return out;
}

/** A top-level field's value as a document holds it (an undo writes back what a UI store read). */
export function storableField(key: string, value: unknown): unknown {
  const policy = (PRESET_FIELDS as Partial<Record<string, { store: FieldStore }>>)[key];
  // a field this build does not know (a newer device's) goes back as it was read
  return policy ? stored(policy.store, value) : value;
}

/**
 * The document to create for `p`: every field as its policy stores it (short fields as single
 * values, so two devices changing one never merge it by character). Every new preset document
 * goes through here.
 */
export function storablePreset(p: PresetView): PresetDoc {
  const out: Rec = {};
  for (const key of PRESET_FIELD_NAMES) {
    // Automerge refuses `undefined`: absent stays absent
    const value = stored(PRESET_FIELDS[key].store, (p as Rec)[key]);
    if (value !== undefined) out[key] = value;
  }
  return out as PresetDoc;
}

/**
 * Overwrites a live preset (`d`, inside a change) with an imported one, keeping its identity (id,
 * slug, URL, creation time). Each field is merged as its policy says, so what another device
 * does to the preset meanwhile survives where the import does not contradict it: typing in a
 * text, a tag or parameter added, a rename (kept as a conflict the editor offers).
 */
export function replacePresetFields(d: PresetDoc, fresh: PresetView, now: number): void {
  const doc = d as unknown as Rec;
  for (const key of PRESET_FIELD_NAMES) writeField(doc, key, (fresh as Rec)[key], now);
}

function writeField(doc: Rec, key: PresetField, value: unknown, now: number): void {
  const { merge, store } = PRESET_FIELDS[key];
  switch (merge) {
    case 'keep':
      return;
    case 'now':
      doc[key] = now;
      return;
    case 'avatar-if-given':
      // a file without a picture keeps the preset's own
      if (value != null && !same(doc[key], value)) doc[key] = stored(store, value);
      return;
    case 'text':
      updateText(doc, [key], typeof value === 'string' ? value : '');
      return;
    case 'map': {
      const live = doc[key];
      if (!isMap(value)) {
        if (live !== undefined) delete doc[key];
        return;
      }
      const next = stored(store, value) as Rec;
      if (!isMap(live)) {
        doc[key] = next;
        return;
      }
      for (const k of Object.keys(live)) if (!(k in value)) delete live[k];
      for (const [k, x] of Object.entries(value)) if (!(k in live) || !same(live[k], x)) live[k] = next[k];
      return;
    }
    case 'value': {
      const next = stored(store, value);
      if (next === undefined) {
        if (doc[key] !== undefined) delete doc[key];
      } else if (doc[key] === undefined || !same(doc[key], next)) doc[key] = next;
      return;
    }
  }
}
