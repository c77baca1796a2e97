// Over 400 lines on purpose: one pass over an element applying the decisions below field by field; the field readers share its notes and `extra` and serve nothing else.
import * as v from 'valibot';
import { validateParam, validateParams } from '../params/catalogue.ts';
import { checkCustomKey, customJsonOf, parseCustomValue } from '../params/custom.ts';
import { SLUG_MAX_LENGTH, badSlugChars, deriveSlug } from '../presets/slug.ts';
import { acceptAvatarUrl } from './avatar.ts';
import { collectItems, type ItemResult } from './import-result.ts';
import type { ImportNote, ImportResult, ImportedKnowledge, ImportedPreset, PresetExtra, SkipReason } from './types.ts';

/*
 * Reading an Open WebUI model export (or our own, which is the same format).
 *
 * Decisions:
 * - The file may be an array (Open WebUI) or a single element (a share link, a hand-made
 *   file). Elements are the current shape or the older `{ id, info: { … } }`.
 * - An element is skipped, with a reason, when it cannot make a preset: not an object,
 *   neither id nor name, a mistyped id/name/base_model_id/params/meta, or
 *   `base_model_id: null` (an override of a base model, not a preset).
 * - Anything smaller that is wrong is dropped from the element with a note, and the rest
 *   imported: an invalid or unknown parameter, a malformed suggestion or knowledge entry,
 *   a mistyped optional field, a picture that is neither an accepted data URL nor http(s).
 * - An id that is not a valid slug is replaced by one derived from it (or from the name),
 *   with a note. Whether the slug is already taken is for the caller to decide (replace or rename).
 * - Keys Atelier does not use (of the element, `params`, `meta`, a knowledge entry) are kept
 *   in `extra`, with a `field-kept` note, and written back on export. `num_predict` is read as
 *   `max_tokens` (as in a Modelfile) and exported under its own name again.
 * - A knowledge entry may carry its document (`atelier_document`, our exports and share
 *   links), or say it was left out; both are reported.
 * - Never throws; everything returned is checked.
 */

export const DEFAULT_IMPORT_MAX_BYTES = 50_000_000;

type Rec = Record<string, unknown>;

function isRecord(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** UTF-8 size of a string, without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

const suggestionSchema = v.looseObject({
  content: v.string(),
  title: v.optional(v.nullable(v.union([v.array(v.unknown()), v.string()]))),
});

const knowledgeSchema = v.looseObject({
  id: v.optional(v.nullable(v.string())),
  collection_name: v.optional(v.nullable(v.string())),
  name: v.optional(v.nullable(v.string())),
  type: v.optional(v.nullable(v.string())),
});

const carriedSchema = v.union([
  v.object({
    text: v.string(),
    mime: v.string(),
    size: v.pipe(v.number(), v.minValue(0)),
    whole_document: v.boolean(),
  }),
  v.object({ left_out: v.picklist(['too-large', 'unavailable', 'not-shared']) }),
]);

/** Keys of the element, `params`, `meta` and a knowledge entry that Atelier reads or writes. */
const KNOWN_ELEMENT = new Set(['id', 'base_model_id', 'name', 'params', 'meta', 'is_active', 'created_at', 'updated_at']);
const KNOWN_META = new Set([
  'profile_image_url',
  'description',
  'capabilities',
  'suggestion_prompts',
  'tags',
  'knowledge',
  'toolIds',
  'filterIds',
  'actionIds',
  'hidden',
  'defaultFilterIds',
  'atelier_fallback_models',
]);
const KNOWN_KNOWLEDGE = new Set(['id', 'collection_name', 'name', 'type', 'atelier_document']);

/** Keys never kept: written back into an object, they would change its prototype. */
export const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The entries of `r` whose keys are not in `known` (nor unsafe), or null when there are none. */
function unknownKeys(r: Rec, known: ReadonlySet<string>): Rec | null {
  let out: Rec | null = null;
  for (const [k, val] of Object.entries(r)) {
    if (known.has(k) || UNSAFE_KEYS.has(k) || val === undefined) continue;
    (out ??= {})[k] = val;
  }
  return out;
}

/** Notes an unsafe key of `r` as ignored (it is not kept). */
function noteUnsafe(r: Rec, prefix: string, notes: ImportNote[]): void {
  for (const k of Object.keys(r)) if (UNSAFE_KEYS.has(k)) notes.push({ code: 'field-ignored', field: prefix + k });
}

const AUTOMERGE_URL = /^automerge:[1-9A-HJ-NP-Za-km-z]+$/;

/** Seconds (Open WebUI), or milliseconds / nanoseconds from elsewhere, to milliseconds. */
function toMs(x: unknown): number | null {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) return null;
  const ms = x < 1e11 ? Math.round(x * 1000) : x < 1e14 ? Math.round(x) : Math.round(x / 1e6);
  // Beyond what a Date can hold (year 275760): not a date.
  return ms <= MAX_DATE_MS ? ms : null;
}

const MAX_DATE_MS = 8.64e15;

function stringList(x: unknown): string[] | null {
  if (!Array.isArray(x)) return null;
  const out: string[] = [];
  for (const s of x) if (typeof s === 'string' && s !== '' && !out.includes(s)) out.push(s);
  return out;
}

function readTags(x: unknown): string[] | null {
  if (!Array.isArray(x)) return null;
  const out: string[] = [];
  for (const t of x) {
    const raw = typeof t === 'string' ? t : isRecord(t) && typeof t.name === 'string' ? t.name : null;
    const name = raw?.trim();
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

function readSuggestions(x: unknown, notes: ImportNote[]): ImportedPreset['suggestions'] {
  if (x === undefined || x === null) return [];
  if (!Array.isArray(x)) {
    notes.push({ code: 'field-ignored', field: 'meta.suggestion_prompts' });
    return [];
  }
  const out: ImportedPreset['suggestions'] = [];
  x.forEach((item, index) => {
    const r = v.safeParse(suggestionSchema, item);
    if (!r.success || r.output.content.trim() === '') {
      notes.push({ code: 'suggestion-dropped', index });
      return;
    }
    const t = r.output.title;
    const title = Array.isArray(t) ? t[0] : t;
    const subtitle = Array.isArray(t) ? t[1] : '';
    out.push({
      title: typeof title === 'string' ? title : '',
      subtitle: typeof subtitle === 'string' ? subtitle : '',
      prompt: r.output.content,
    });
  });
  return out;
}

function readKnowledge(x: unknown, notes: ImportNote[], extra: PresetExtra): ImportedKnowledge[] {
  if (x === undefined || x === null) return [];
  if (!Array.isArray(x)) {
    notes.push({ code: 'field-ignored', field: 'meta.knowledge' });
    return [];
  }
  const out: ImportedKnowledge[] = [];
  x.forEach((item, index) => {
    const r = v.safeParse(knowledgeSchema, item);
    const id = r.success ? (r.output.id ?? r.output.collection_name ?? '') : '';
    if (!r.success || id === '') {
      notes.push({ code: 'knowledge-dropped', index });
      return;
    }
    const name = r.output.name ?? id;
    const ours = AUTOMERGE_URL.test(id);
    let document: ImportedKnowledge['document'] = null;
    if (r.output.atelier_document !== undefined) {
      const carried = v.safeParse(carriedSchema, r.output.atelier_document);
      if (!carried.success) notes.push({ code: 'field-ignored', field: `meta.knowledge[${index}].atelier_document` });
      else if ('left_out' in carried.output) notes.push({ code: 'knowledge-left-out', name, reason: carried.output.left_out });
      else {
        const d = carried.output;
        document = { text: d.text, mime: d.mime, size: d.size, wholeDocument: d.whole_document };
      }
    } else if (!ours) notes.push({ code: 'knowledge-external', name });
    if (!ours && !UNSAFE_KEYS.has(id)) {
      const rest = unknownKeys(r.output, KNOWN_KNOWLEDGE);
      if (rest) (extra.knowledge ??= {})[id] = rest;
    }
    out.push({
      name,
      type: r.output.type ?? 'collection',
      url: ours ? id : null,
      externalId: ours ? null : id,
      document,
    });
  });
  return out;
}

/**
 * Atelier's parameters from `params` (without `system`). Unknown keys go to `extra.params`;
 * invalid values are dropped with a note. `num_predict` stands for `max_tokens` when the
 * element has no `max_tokens` of its own.
 */
function readParams(rest: Rec, notes: ImportNote[], extra: PresetExtra): ImportedPreset['params'] {
  const { num_predict: numPredict, custom_params: _custom, ...others } = rest;
  const checked = validateParams(others);
  const params = checked.params;
  for (const e of checked.errors) {
    if (UNSAFE_KEYS.has(e.key)) notes.push({ code: 'field-ignored', field: `params.${e.key}` });
    else if (e.error.code === 'param-unknown') {
      (extra.params ??= {})[e.key] = others[e.key];
      notes.push({ code: 'field-kept', field: `params.${e.key}` });
    } else notes.push({ code: 'param-dropped', key: e.key, error: e.error });
  }
  if (numPredict !== undefined && numPredict !== null) {
    if ('max_tokens' in others && others.max_tokens !== null && others.max_tokens !== undefined) {
      (extra.params ??= {}).num_predict = numPredict;
      notes.push({ code: 'field-kept', field: 'params.num_predict' });
    } else {
      const r = validateParam('max_tokens', numPredict);
      if (r.ok) {
        params.max_tokens = r.value;
        (extra.paramNames ??= {}).max_tokens = 'num_predict';
      } else notes.push({ code: 'param-dropped', key: 'num_predict', error: { ...r.error, key: 'num_predict' } });
    }
  }
  return params;
}

/**
 * Open WebUI's custom parameters (`params.custom_params`: name → the text typed in its editor,
 * which its server reads as JSON when it can). Each one becomes a custom parameter; one whose
 * name or value Atelier cannot send is kept as it was (written back on export) with a note.
 */
function readCustomParams(x: unknown, notes: ImportNote[], extra: PresetExtra): Record<string, string> {
  const out: Record<string, string> = {};
  if (x === undefined || x === null) return out;
  if (!isRecord(x)) {
    (extra.params ??= {}).custom_params = x;
    notes.push({ code: 'field-kept', field: 'params.custom_params' });
    return out;
  }
  for (const [k, val] of Object.entries(x)) {
    if (UNSAFE_KEYS.has(k)) {
      notes.push({ code: 'field-ignored', field: `params.custom_params.${k}` });
      continue;
    }
    const key = checkCustomKey(k);
    const json = typeof val === 'string' ? parseCustomValue(k, val) : null;
    const text = json ? (json.ok ? json.json : null) : customJsonOf(val);
    if (key.ok && key.key === k && text !== null) out[k] = text;
    else {
      const kept = ((extra.params ??= {}).custom_params ??= {}) as Rec;
      kept[k] = val;
      notes.push({ code: 'field-kept', field: `params.custom_params.${k}` });
    }
  }
  return out;
}

function readCapabilities(x: unknown): { vision: boolean; rest: Record<string, boolean> } {
  const rest: Record<string, boolean> = {};
  let vision = false;
  if (isRecord(x)) {
    for (const [k, val] of Object.entries(x)) {
      if (typeof val !== 'boolean') continue;
      if (k === 'vision') vision = val;
      else rest[k] = val;
    }
  }
  return { vision, rest };
}

function isValidSlug(s: string): boolean {
  return s.length > 0 && s.length <= SLUG_MAX_LENGTH && badSlugChars(s).length === 0;
}

function readElement(raw: unknown): ItemResult {
  if (!isRecord(raw)) return { ok: false, reason: { code: 'not-an-object' } };
  // older shape: { id, info: { …the element… } }
  const el: Rec = isRecord(raw.info) ? { ...raw.info, id: raw.info.id ?? raw.id } : raw;

  const { id, name, base_model_id: base, params, meta } = el;
  const displayName = typeof name === 'string' ? name : undefined;
  const skip = (reason: SkipReason): ItemResult =>
    displayName === undefined ? { ok: false, reason } : { ok: false, reason, name: displayName };

  if (id !== undefined && id !== null && typeof id !== 'string') return skip({ code: 'wrong-type', field: 'id' });
  if (name !== undefined && name !== null && typeof name !== 'string') return skip({ code: 'wrong-type', field: 'name' });
  const idText = typeof id === 'string' ? id.trim() : '';
  const nameText = typeof name === 'string' ? name.trim() : '';
  if (idText === '' && nameText === '') return skip({ code: 'missing-id-and-name' });

  if (base === null) return skip({ code: 'not-a-preset' });
  if (base !== undefined && typeof base !== 'string') return skip({ code: 'wrong-type', field: 'base_model_id' });
  if (typeof base !== 'string' || base.trim() === '') return skip({ code: 'missing-base-model' });
  if (params !== undefined && params !== null && !isRecord(params)) return skip({ code: 'wrong-type', field: 'params' });
  if (meta !== undefined && meta !== null && !isRecord(meta)) return skip({ code: 'wrong-type', field: 'meta' });

  const notes: ImportNote[] = [];
  const extra: PresetExtra = {};
  noteUnsafe(el, '', notes);
  const elementRest = unknownKeys(el, KNOWN_ELEMENT);
  if (elementRest) {
    extra.element = elementRest;
    for (const k of Object.keys(elementRest)) notes.push({ code: 'field-kept', field: k });
  }

  let slug = idText;
  if (!isValidSlug(slug)) {
    slug = deriveSlug(idText) || deriveSlug(nameText);
    if (slug === '') return skip({ code: 'bad-id', id: idText });
    if (idText !== '') notes.push({ code: 'slug-changed', from: idText, to: slug });
  }

  const p: Rec = isRecord(params) ? params : {};
  const { system, ...rest } = p;
  if (system !== undefined && system !== null && typeof system !== 'string') {
    notes.push({ code: 'field-ignored', field: 'params.system' });
  }
  const presetParams = readParams(rest, notes, extra);
  const customParams = readCustomParams(rest.custom_params, notes, extra);

  const m: Rec = isRecord(meta) ? meta : {};
  noteUnsafe(m, 'meta.', notes);
  const metaRest = unknownKeys(m, KNOWN_META);
  if (metaRest) {
    extra.meta = metaRest;
    for (const k of Object.keys(metaRest)) notes.push({ code: 'field-kept', field: `meta.${k}` });
  }
  const description = m.description;
  if (description !== undefined && description !== null && typeof description !== 'string') {
    notes.push({ code: 'field-ignored', field: 'meta.description' });
  }

  let avatarDataUrl: string | null = null;
  if (typeof m.profile_image_url === 'string') {
    const a = acceptAvatarUrl(m.profile_image_url);
    if (a.kind === 'accepted') avatarDataUrl = a.url;
    else if (a.kind === 'refused') notes.push({ code: 'avatar-dropped' });
  }

  const ids = (field: 'toolIds' | 'filterIds' | 'actionIds'): string[] => {
    if (m[field] === undefined || m[field] === null) return [];
    const list = stringList(m[field]);
    if (list === null) notes.push({ code: 'field-ignored', field: `meta.${field}` });
    return list ?? [];
  };

  let tags: string[] = [];
  if (m.tags !== undefined && m.tags !== null) {
    const t = readTags(m.tags);
    if (t === null) notes.push({ code: 'field-ignored', field: 'meta.tags' });
    tags = t ?? [];
  }

  if (m.hidden !== undefined && m.hidden !== null && typeof m.hidden !== 'boolean') {
    notes.push({ code: 'field-ignored', field: 'meta.hidden' });
  }

  const caps = readCapabilities(m.capabilities);
  const suggestions = readSuggestions(m.suggestion_prompts, notes);
  const knowledge = readKnowledge(m.knowledge, notes, extra);
  const toolIds = ids('toolIds');
  const filterIds = ids('filterIds');
  const actionIds = ids('actionIds');
  // default filters: the preset's filters not listed are off when a chat starts
  let chatOff: Record<string, true> | undefined;
  if (m.defaultFilterIds !== undefined && m.defaultFilterIds !== null) {
    const on = stringList(m.defaultFilterIds);
    if (on === null) notes.push({ code: 'field-ignored', field: 'meta.defaultFilterIds' });
    else {
      chatOff = {};
      for (const id of filterIds) if (!on.includes(id) && !UNSAFE_KEYS.has(id)) chatOff[id] = true;
    }
  }

  // Atelier's fallback base models (its own meta key), in order
  let fallbackModels: string[] = [];
  if (m.atelier_fallback_models !== undefined && m.atelier_fallback_models !== null) {
    const list = stringList(m.atelier_fallback_models);
    if (list === null) notes.push({ code: 'field-ignored', field: 'meta.atelier_fallback_models' });
    fallbackModels = (list ?? []).map((s) => s.trim()).filter((s) => s !== '' && s !== base.trim());
  }

  // Open WebUI's inactive model: kept, listed as disabled (absent or true = enabled)
  if (el.is_active !== undefined && el.is_active !== null && typeof el.is_active !== 'boolean') {
    notes.push({ code: 'field-ignored', field: 'is_active' });
  }

  return {
    ok: true,
    item: {
      slug,
      name: nameText || slug,
      baseModel: base.trim(),
      description: typeof description === 'string' ? description : '',
      system: typeof system === 'string' ? system : '',
      params: presetParams,
      ...(Object.keys(customParams).length > 0 ? { customParams } : {}),
      suggestions,
      tags,
      hidden: m.hidden === true,
      vision: caps.vision,
      capabilities: caps.rest,
      avatarDataUrl,
      knowledge,
      toolIds,
      filterIds,
      actionIds,
      ...(chatOff ? { chatOff } : {}),
      ...(fallbackModels.length > 0 ? { fallbackModels } : {}),
      ...(el.is_active === false ? { disabled: true } : {}),
      createdAt: toMs(el.created_at),
      updatedAt: toMs(el.updated_at),
      notes,
      extra: Object.keys(extra).length > 0 ? extra : null,
    },
  };
}

/** Parse the text of an export file (or a decoded share link). Never throws. */
export function parseOpenWebUIImport(text: string, opts: { maxBytes?: number } = {}): ImportResult {
  const maxBytes = opts.maxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
  // UTF-8 never takes fewer bytes than UTF-16 code units, so a long string is too large for sure
  if (text.length > maxBytes) return { ok: false, error: { code: 'too-large', maxBytes, bytes: utf8Length(text) } };
  const bytes = utf8Length(text);
  if (bytes > maxBytes) return { ok: false, error: { code: 'too-large', maxBytes, bytes } };

  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { ok: false, error: { code: 'not-json' } };
  }

  let elements: unknown[];
  if (Array.isArray(data)) elements = data;
  else if (isRecord(data) && ('id' in data || 'name' in data || 'info' in data)) elements = [data];
  else return { ok: false, error: { code: 'wrong-shape' } };

  return collectItems(elements, readElement);
}
