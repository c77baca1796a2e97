import { KIND, SCHEMA } from './kinds.ts';
import { immutable, type Plain, type StoredString } from './stored-string.ts';

/** A model parameter value as Open WebUI stores it in `params`. `stop` is a list; `format` is "json" or a JSON-schema text. */
export type ParamValue = number | boolean | string | string[];

export type PromptSuggestion = {
  /** one value (last writer wins): a short field must never merge by character */
  title: StoredString;
  subtitle: string;
  prompt: string;
  /** sort key; fractional so a reorder touches one suggestion and concurrent reorders merge */
  order: number;
};

/** A document attached to a preset (RAG). `url` is our knowledge document; Open WebUI references have none. */
export type KnowledgeRef = {
  name: string;
  type: string;
  url: string | null;
  /** Open WebUI id when imported from there; shown as "not available here" when it does not resolve */
  externalId: string | null;
};

export type PresetDoc = {
  schema: number;
  kind: typeof KIND.preset;
  /** internal id, also the key in the workspace index */
  id: string;
  /**
   * the "model ID" people see and Open WebUI exports (`sql-tutor`); fixed after creation, except when
   * two devices gave it to two presets while apart (made unique when they meet: shared/presets/unique-slugs.ts)
   */
  slug: string;
  /** one value (last writer wins) since preset schema 2; older presets hold text: read with storedString */
  name: StoredString;
  /** Ollama model this preset runs on (`qwen2.5:7b`) */
  baseModel: string;
  /** collaborative text: edit with updateText */
  description: string;
  /** collaborative text: edit with updateText */
  system: string;
  /** only the parameters the user set; absent = default, never sent */
  params: Record<string, ParamValue>;
  /**
   * Ollama options the catalogue does not know (shared/params/custom.ts): key → the value's JSON
   * text, one value each. Sent under `options`. Absent on presets that never had one.
   */
  customParams?: Record<string, StoredString>;
  suggestions: Record<string, PromptSuggestion>;
  /** tag name -> true; a map so tags added on two devices both survive */
  tags: Record<string, true>;
  hidden: boolean;
  vision: boolean;
  /**
   * Open WebUI's other capabilities (`meta.capabilities` without vision): file_upload, citations,
   * usage, status_updates switch what a chat offers (shared/presets/capabilities.ts); the rest are
   * kept for round trips. An absent key means Open WebUI's default for it.
   */
  capabilities: Record<string, boolean>;
  /** automerge URL of a blob document holding the avatar picture, or null */
  avatar: string | null;
  knowledge: Record<string, KnowledgeRef>;
  toolIds: Record<string, true>;
  filterIds: Record<string, true>;
  actionIds: Record<string, true>;
  /**
   * Tools and filters of this preset that are off when a chat starts (the person can switch them
   * on in the chat); absent or missing id = on. Open WebUI's `meta.defaultFilterIds` is the filters
   * not in here. Absent on presets that never set it.
   */
  chatOff?: Record<string, true>;
  createdAt: number;
  updatedAt: number;
  /**
   * set when this preset's model ID was changed because another preset had it (two devices gave
   * it to both while apart; shared/presets/unique-slugs.ts); cleared once the person was told
   */
  slugChanged?: { from: StoredString; to: StoredString } | null;
  /**
   * Fields of an imported Open WebUI element that Atelier does not use (shared/openwebui
   * PresetExtra as JSON), written back on export. One value (ImmutableString): nobody edits it.
   * Absent on presets made here.
   */
  extra?: StoredString | null;
  /**
   * Open WebUI's `is_active: false`: kept and listed, but not offered in the chat's model
   * selector, and a chat that uses it says so. Absent = enabled (presets made before it existed).
   */
  disabled?: boolean;
  /**
   * Base models to run instead, in order, when `baseModel` is not installed on this device
   * (shared/presets/fallback.ts). One value (the whole list is written at once). Absent = none.
   */
  fallbackModels?: StoredString[];
};

export type NewPresetFields = {
  id: string;
  slug: string;
  name: string;
  baseModel: string;
};

/** A preset as UI stores hold it (client/store): every stored string read as a string. */
export type PresetView = Plain<PresetDoc>;

/**
 * The document to create for `p`: its short fields (name, suggestion titles) as single values, so
 * two devices changing one never merge it by character. Every new preset document goes through here.
 */
export function storablePreset(p: PresetView): PresetDoc {
  const suggestions: Record<string, PromptSuggestion> = {};
  for (const [id, s] of Object.entries(p.suggestions)) suggestions[id] = { ...s, title: immutable(s.title) };
  const doc: PresetDoc = { ...p, name: immutable(p.name), suggestions, extra: undefined, customParams: undefined, fallbackModels: undefined };
  if (p.customParams) doc.customParams = immutableValues(p.customParams);
  else delete doc.customParams;
  if (p.fallbackModels && p.fallbackModels.length > 0) doc.fallbackModels = p.fallbackModels.map((m) => immutable(m));
  else delete doc.fallbackModels;
  // kept import fields are one value nobody edits; Automerge refuses `undefined`, so absent stays absent
  if (typeof p.extra === 'string') doc.extra = immutable(p.extra);
  else delete doc.extra;
  return doc;
}

function immutableValues(r: Readonly<Record<string, StoredString>>): Record<string, StoredString> {
  const out: Record<string, StoredString> = {};
  for (const [k, v] of Object.entries(r)) out[k] = immutable(v);
  return out;
}

/** A top-level field's value as a document holds it (an undo writes back what a UI store read). */
export function storableField(key: string, value: unknown): unknown {
  if (key === 'name' && typeof value === 'string') return immutable(value);
  if (key === 'customParams' && typeof value === 'object' && value !== null) return immutableValues(value as Record<string, string>);
  if (key === 'fallbackModels' && Array.isArray(value)) return value.map((m: string) => immutable(m));
  if (key === 'suggestions' && typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [id, s] of Object.entries(value as Record<string, Plain<PromptSuggestion>>)) out[id] = { ...s, title: immutable(s.title) };
    return out;
  }
  return value;
}

export function initialPreset(f: NewPresetFields, now = Date.now()): PresetView {
  return {
    schema: SCHEMA.preset,
    kind: KIND.preset,
    id: f.id,
    slug: f.slug,
    name: f.name,
    baseModel: f.baseModel,
    description: '',
    system: '',
    params: {},
    suggestions: {},
    tags: {},
    hidden: false,
    vision: false,
    capabilities: {},
    avatar: null,
    knowledge: {},
    toolIds: {},
    filterIds: {},
    actionIds: {},
    createdAt: now,
    updatedAt: now,
  };
}

/** Tags in display order. */
export function presetTags(p: Pick<PresetView, 'tags'>): string[] {
  return Object.keys(p.tags).sort((a, b) => a.localeCompare(b));
}

export function sortedSuggestions<S extends { order: number }>(p: { suggestions: Record<string, S> }): Array<S & { id: string }> {
  return Object.entries(p.suggestions)
    .map(([id, s]) => ({ id, ...s }))
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}
