import { validateParams } from '../params/catalogue.ts';
import type { ImportNote, ImportedPreset } from '../openwebui/types.ts';

/*
 * What the importers of other apps (LobeChat, NextChat, Jan) share: the result shape of the
 * Open WebUI importer, so the import panel shows the same per-item summary, and the rules every
 * one follows:
 * - the system prompt, name, description, tags and the parameters the catalogue knows are kept;
 * - every other field that holds something a person wrote or chose is listed as left out
 *   (`app-field-dropped`); bookkeeping fields (schema versions, ids, authors) are not;
 * - these apps name models of hosted services (`gpt-4o`) or none: a named model is kept as the
 *   base model, with a note saying so; none (or Jan's "*") takes the caller's fallback (a model
 *   installed on this device), also with a note; without either, the item is skipped.
 */

export type Rec = Record<string, unknown>;

export function isRecord(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function text(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

export interface AppImportOptions {
  /** the base model for an item whose file names none (an installed model), '' when there is none */
  fallbackModel: string;
}

/** A present, non-empty value (worth telling about when it is left out). */
export function hasContent(x: unknown): boolean {
  if (x === undefined || x === null || x === false || x === '') return false;
  if (Array.isArray(x)) return x.length > 0;
  if (isRecord(x)) return Object.keys(x).length > 0;
  return true;
}

/** `field` is left out with a note when it holds something. */
export function dropIfSet(notes: ImportNote[], field: string, value: unknown): void {
  if (hasContent(value)) notes.push({ code: 'app-field-dropped', field });
}

/** Parameters the catalogue knows; an invalid value is dropped with a note, an unknown key listed as left out. */
export function readAppParams(raw: unknown, prefix: string, notes: ImportNote[], ignore: ReadonlySet<string> = new Set()): ImportedPreset['params'] {
  if (!isRecord(raw)) return {};
  const wanted: Rec = {};
  for (const [k, v] of Object.entries(raw)) if (!ignore.has(k)) wanted[k] = v;
  const checked = validateParams(wanted);
  for (const e of checked.errors) {
    if (e.error.code === 'param-unknown') notes.push({ code: 'app-field-dropped', field: `${prefix}${e.key}` });
    else notes.push({ code: 'param-dropped', key: e.key, error: e.error });
  }
  return checked.params;
}

/** The base model: the file's, else the fallback, each with a note; null when there is neither. */
export function chooseBaseModel(named: string, opts: AppImportOptions, notes: ImportNote[]): string | null {
  const model = named.trim();
  if (model !== '' && model !== '*') {
    notes.push({ code: 'base-model-from-file', model });
    return model;
  }
  if (opts.fallbackModel === '') return null;
  notes.push({ code: 'base-model-chosen', model: opts.fallbackModel });
  return opts.fallbackModel;
}

/** Milliseconds from a number (s or ms) or a date text; null otherwise. */
export function timeOf(x: unknown): number | null {
  if (typeof x === 'number' && Number.isFinite(x) && x > 0) return x < 1e11 ? Math.round(x * 1000) : Math.round(x);
  if (typeof x === 'string') {
    const t = Date.parse(x);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

export function tagList(x: unknown): string[] {
  if (!Array.isArray(x)) return [];
  const out: string[] = [];
  for (const t of x) {
    const s = typeof t === 'string' ? t.trim() : '';
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

export type { ItemResult } from '../openwebui/import-result.ts';


/** An emoji or a named icon is not a picture Atelier can show as an avatar: said, not silently lost. */
export function noteAvatar(notes: ImportNote[], avatar: unknown): void {
  if (typeof avatar === 'string' && avatar.trim() !== '') notes.push({ code: 'avatar-dropped' });
}
