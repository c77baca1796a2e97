import { KIND, SCHEMA } from './kinds.ts';
import type { StoredString } from './stored-string.ts';

/** A model parameter value as Open WebUI stores it in `params`. `stop` is a list; `format` is "json" or a JSON-schema text. */
export type ParamValue = number | boolean | string | string[];

export type PromptSuggestion = {
  title: string;
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
  /** the "model ID" people see and Open WebUI exports (`sql-tutor`); fixed after creation */
  slug: string;
  name: string;
  /** Ollama model this preset runs on (`qwen2.5:7b`) */
  baseModel: string;
  /** collaborative text: edit with updateText */
  description: string;
  /** collaborative text: edit with updateText */
  system: string;
  /** only the parameters the user set; absent = default, never sent */
  params: Record<string, ParamValue>;
  suggestions: Record<string, PromptSuggestion>;
  /** tag name -> true; a map so tags added on two devices both survive */
  tags: Record<string, true>;
  hidden: boolean;
  vision: boolean;
  /** other Open WebUI capabilities (citations, …) kept for round trips */
  capabilities: Record<string, boolean>;
  /** automerge URL of a blob document holding the avatar picture, or null */
  avatar: string | null;
  knowledge: Record<string, KnowledgeRef>;
  toolIds: Record<string, true>;
  filterIds: Record<string, true>;
  actionIds: Record<string, true>;
  createdAt: number;
  updatedAt: number;
  /**
   * Fields of an imported Open WebUI element that Atelier does not use (shared/openwebui
   * PresetExtra as JSON), written back on export. One value (ImmutableString): nobody edits it.
   * Absent on presets made here.
   */
  extra?: StoredString | null;
};

export type NewPresetFields = {
  id: string;
  slug: string;
  name: string;
  baseModel: string;
};

export function initialPreset(f: NewPresetFields, now = Date.now()): PresetDoc {
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
export function presetTags(p: Pick<PresetDoc, 'tags'>): string[] {
  return Object.keys(p.tags).sort((a, b) => a.localeCompare(b));
}

export function sortedSuggestions(p: Pick<PresetDoc, 'suggestions'>): Array<PromptSuggestion & { id: string }> {
  return Object.entries(p.suggestions)
    .map(([id, s]) => ({ id, ...s }))
    .sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}
