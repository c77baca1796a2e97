import * as v from 'valibot';
import { KIND, SCHEMA } from './kinds.ts';
import { storedStringSchema, type Plain } from './stored-string.ts';

/*
 * The preset document: its valibot schema is the one list of its fields. The TypeScript type is
 * inferred from it, `checkDoc` validates with it, and PRESET_FIELDS (below) says once per field
 * how it is stored, merged by an import-replace, cloned and carried by Open WebUI JSON (and so by
 * share links). Code that writes or copies every field iterates PRESET_FIELDS
 * (shared/schema/preset-write.ts, shared/presets/clone.ts); preset-fields.test.ts fails when a
 * field is missing from any of those places or from the migrations.
 *
 * Unknown keys pass validation (a newer device may add fields) but are not part of the type.
 */

const trueMap = v.record(v.string(), v.literal(true));

/** A model parameter value as Open WebUI stores it in `params`. `stop` is a list; `format` is "json" or a JSON-schema text. */
export const ParamValueSchema = v.union([v.number(), v.boolean(), v.string(), v.array(v.string())]);
export type ParamValue = v.InferOutput<typeof ParamValueSchema>;

export const PromptSuggestionSchema = v.object({
  /** one value (last writer wins): a short field must never merge by character */
  title: storedStringSchema,
  subtitle: v.string(),
  prompt: v.string(),
  /** sort key; fractional so a reorder touches one suggestion and concurrent reorders merge */
  order: v.number(),
});
export type PromptSuggestion = v.InferOutput<typeof PromptSuggestionSchema>;

/** A document attached to a preset (RAG). `url` is our knowledge document; Open WebUI references have none. */
export const KnowledgeRefSchema = v.object({
  name: v.string(),
  type: v.string(),
  url: v.nullable(v.string()),
  /** Open WebUI id when imported from there; shown as "not available here" when it does not resolve */
  externalId: v.nullable(v.string()),
});
export type KnowledgeRef = v.InferOutput<typeof KnowledgeRefSchema>;

export const PresetSchema = v.object({
  schema: v.number(),
  kind: v.literal(KIND.preset),
  /** internal id, also the key in the workspace index */
  id: v.string(),
  /**
   * the "model ID" people see and Open WebUI exports (`sql-tutor`); fixed after creation, except when
   * two devices gave it to two presets while apart (made unique when they meet: shared/presets/unique-slugs.ts)
   */
  slug: v.string(),
  /** one value (last writer wins) since preset schema 2; older presets hold text: read with storedString */
  name: storedStringSchema,
  /** Ollama model this preset runs on (`qwen2.5:7b`) */
  baseModel: v.string(),
  /** collaborative text: edit with updateText */
  description: v.string(),
  /** collaborative text: edit with updateText */
  system: v.string(),
  /** only the parameters the user set; absent = default, never sent */
  params: v.record(v.string(), ParamValueSchema),
  /**
   * Ollama options the catalogue does not know (shared/params/custom.ts): key → the value's JSON
   * text, one value each. Sent under `options`. Absent on presets that never had one.
   */
  customParams: v.optional(v.record(v.string(), storedStringSchema)),
  suggestions: v.record(v.string(), PromptSuggestionSchema),
  /** tag name -> true; a map so tags added on two devices both survive */
  tags: trueMap,
  hidden: v.boolean(),
  vision: v.boolean(),
  /**
   * Open WebUI's other capabilities (`meta.capabilities` without vision): file_upload, citations,
   * usage, status_updates switch what a chat offers (shared/presets/capabilities.ts); the rest are
   * kept for round trips. An absent key means Open WebUI's default for it.
   */
  capabilities: v.record(v.string(), v.boolean()),
  /** automerge URL of a blob document holding the avatar picture, or null */
  avatar: v.nullable(v.string()),
  knowledge: v.record(v.string(), KnowledgeRefSchema),
  toolIds: trueMap,
  filterIds: trueMap,
  actionIds: trueMap,
  /**
   * Tools and filters of this preset that are off when a chat starts (the person can switch them
   * on in the chat); absent or missing id = on. Open WebUI's `meta.defaultFilterIds` is the filters
   * not in here. Absent on presets that never set it.
   */
  chatOff: v.optional(trueMap),
  createdAt: v.number(),
  updatedAt: v.number(),
  /**
   * set when this preset's model ID was changed because another preset had it (two devices gave
   * it to both while apart; shared/presets/unique-slugs.ts); cleared once the person was told
   */
  slugChanged: v.optional(v.nullable(v.object({ from: storedStringSchema, to: storedStringSchema }))),
  /**
   * Fields of an imported Open WebUI element that Atelier does not use (shared/openwebui
   * PresetExtra as JSON), written back on export. One value (ImmutableString): nobody edits it.
   * Absent on presets made here.
   */
  extra: v.optional(v.nullable(storedStringSchema)),
  /**
   * Open WebUI's `is_active: false`: kept and listed, but not offered in the chat's model
   * selector, and a chat that uses it says so. Absent = enabled (presets made before it existed).
   */
  disabled: v.optional(v.boolean()),
  /**
   * Base models to run instead, in order, when `baseModel` is not installed on this device
   * (shared/presets/fallback.ts). One value (the whole list is written at once). Absent = none.
   */
  fallbackModels: v.optional(v.array(storedStringSchema)),
});

export type PresetDoc = v.InferOutput<typeof PresetSchema>;
export type PresetField = keyof PresetDoc;

/**
 * How a field's value is written into a document:
 * - `plain`: as it is (a JS string is collaborative text in Automerge 3);
 * - `one-value`: a string as one ImmutableString (last writer wins, never merged by character);
 * - `one-value-each`: a map's values or a list's items as ImmutableStrings (an empty list is absent);
 * - `suggestions`: each suggestion's title as one value.
 */
export type FieldStore = 'plain' | 'one-value' | 'one-value-each' | 'suggestions';

/**
 * How an import-replace writes the imported value over a live document (other devices may be
 * editing it at that moment; what they did that the import does not contradict must survive):
 * - `keep`: identity and bookkeeping, never replaced (`avatar-if-given`: only when the file has a picture);
 * - `text`: collaborative text, diffed into splices (updateText), so typing elsewhere survives;
 * - `value`: one value, written only when it differs (an unchanged field adds no conflict);
 * - `map`: keyed entries, each removed, added or rewritten on its own, so entries another device
 *   adds meanwhile survive (writing a new map object would drop them);
 * - `now`: the time of the replace.
 */
export type FieldMerge = 'keep' | 'avatar-if-given' | 'text' | 'value' | 'map' | 'now';

/**
 * What a clone does with the field: `copy` it (a deep, plain copy), or `own` (the clone sets its
 * own: identity, name, times) or `drop` it (device notices; a copy starts enabled, as a new
 * model does in Open WebUI).
 */
export type FieldClone = 'copy' | 'own' | 'drop';

/**
 * Whether Open WebUI model JSON (export, import, share links) carries the field:
 * `carried` round-trips export → import; `picture` goes as a data URL the caller turns into a
 * blob; `not-carried` stays on this workspace (identity, device notices).
 */
export type FieldOpenWebUI = 'carried' | 'picture' | 'not-carried';

export interface FieldPolicy {
  readonly store: FieldStore;
  readonly merge: FieldMerge;
  readonly clone: FieldClone;
  readonly openWebUI: FieldOpenWebUI;
}

/** Every field of the schema, exactly once (`satisfies` makes a missing or unknown field a type error). */
export const PRESET_FIELDS = {
  schema: { store: 'plain', merge: 'keep', clone: 'own', openWebUI: 'not-carried' },
  kind: { store: 'plain', merge: 'keep', clone: 'own', openWebUI: 'not-carried' },
  id: { store: 'plain', merge: 'keep', clone: 'own', openWebUI: 'not-carried' },
  // Open WebUI's `id`; an import-replace is matched by it, so it never changes
  slug: { store: 'plain', merge: 'keep', clone: 'own', openWebUI: 'carried' },
  // one value since schema 2: a concurrent rename and a replace keep both values as a conflict the editor offers
  name: { store: 'one-value', merge: 'value', clone: 'own', openWebUI: 'carried' },
  baseModel: { store: 'plain', merge: 'value', clone: 'copy', openWebUI: 'carried' },
  description: { store: 'plain', merge: 'text', clone: 'copy', openWebUI: 'carried' },
  system: { store: 'plain', merge: 'text', clone: 'copy', openWebUI: 'carried' },
  params: { store: 'plain', merge: 'map', clone: 'copy', openWebUI: 'carried' },
  customParams: { store: 'one-value-each', merge: 'map', clone: 'copy', openWebUI: 'carried' },
  suggestions: { store: 'suggestions', merge: 'map', clone: 'copy', openWebUI: 'carried' },
  tags: { store: 'plain', merge: 'map', clone: 'copy', openWebUI: 'carried' },
  hidden: { store: 'plain', merge: 'value', clone: 'copy', openWebUI: 'carried' },
  vision: { store: 'plain', merge: 'value', clone: 'copy', openWebUI: 'carried' },
  capabilities: { store: 'plain', merge: 'map', clone: 'copy', openWebUI: 'carried' },
  avatar: { store: 'plain', merge: 'avatar-if-given', clone: 'copy', openWebUI: 'picture' },
  knowledge: { store: 'plain', merge: 'map', clone: 'copy', openWebUI: 'carried' },
  toolIds: { store: 'plain', merge: 'map', clone: 'copy', openWebUI: 'carried' },
  filterIds: { store: 'plain', merge: 'map', clone: 'copy', openWebUI: 'carried' },
  actionIds: { store: 'plain', merge: 'map', clone: 'copy', openWebUI: 'carried' },
  // Open WebUI's defaultFilterIds carries the filters only (a tool's chat default stays here)
  chatOff: { store: 'plain', merge: 'map', clone: 'copy', openWebUI: 'carried' },
  createdAt: { store: 'plain', merge: 'keep', clone: 'own', openWebUI: 'carried' },
  updatedAt: { store: 'plain', merge: 'now', clone: 'own', openWebUI: 'carried' },
  slugChanged: { store: 'plain', merge: 'keep', clone: 'drop', openWebUI: 'not-carried' },
  extra: { store: 'one-value', merge: 'value', clone: 'copy', openWebUI: 'carried' },
  disabled: { store: 'plain', merge: 'value', clone: 'drop', openWebUI: 'carried' },
  fallbackModels: { store: 'one-value-each', merge: 'value', clone: 'copy', openWebUI: 'carried' },
} as const satisfies { readonly [K in PresetField]-?: FieldPolicy };

/** The collaborative texts (edited by splices at the typed place, merged by character). */
export type PresetTextField = { [K in PresetField]: (typeof PRESET_FIELDS)[K]['merge'] extends 'text' ? K : never }[PresetField];

/** The schema's field names, in its order. */
export const PRESET_FIELD_NAMES = Object.keys(PresetSchema.entries) as PresetField[];

export const PRESET_TEXT_FIELDS: readonly PresetTextField[] = PRESET_FIELD_NAMES.filter((k): k is PresetTextField => PRESET_FIELDS[k].merge === 'text');

export type NewPresetFields = {
  id: string;
  slug: string;
  name: string;
  baseModel: string;
};

/** A preset as UI stores hold it (client/store): every stored string read as a string. */
export type PresetView = Plain<PresetDoc>;

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
