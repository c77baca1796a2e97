import type { KnowledgeRef, PresetView } from '../schema/preset.ts';
import type { ParamError } from '../params/catalogue.ts';

/** One suggestion as Open WebUI stores it: `title` is [title, subtitle]. */
export interface OwuiSuggestion {
  content: string;
  title: [string, string];
}

export interface OwuiKnowledge {
  id: string;
  name: string;
  type: string;
  /** Atelier's own: the document itself (Open WebUI ignores the key), or why it was left out */
  atelier_document?: OwuiCarriedDocument;
}

/**
 * A knowledge document carried inside an export or share link, so the preset answers with its
 * knowledge on another account. `left_out` says it was not carried (the receiver is told).
 */
export type OwuiCarriedDocument =
  | { text: string; mime: string; size: number; whole_document: boolean }
  | { left_out: 'too-large' | 'unavailable' | 'not-shared' };

/**
 * What an imported element held that Atelier does not use, kept with the preset and written
 * back on export so Open WebUI → Atelier → Open WebUI loses nothing: unknown keys of the
 * element, of `params` and of `meta`, and the element's own names for parameters Atelier
 * stores under another (`num_predict` → `max_tokens`).
 */
export interface PresetExtra {
  element?: Record<string, unknown>;
  params?: Record<string, unknown>;
  meta?: Record<string, unknown>;
  /** our parameter key → the key the element used */
  paramNames?: Record<string, string>;
  /** Open WebUI document id → the keys of its `meta.knowledge` entry Atelier does not use */
  knowledge?: Record<string, Record<string, unknown>>;
}

/**
 * One element of an Open WebUI (0.11) model export: Workspace › Models › Export writes a JSON array
 * of these (older exports wrap each as `{ id, info: <this> }`). Unknown keys are ignored on import.
 */
export interface OwuiModel {
  id: string;
  base_model_id: string | null;
  name: string;
  params: { system?: string } & Record<string, unknown>;
  meta: {
    profile_image_url: string;
    description: string | null;
    capabilities: Record<string, boolean>;
    suggestion_prompts: OwuiSuggestion[] | null;
    tags: Array<{ name: string }>;
    knowledge: OwuiKnowledge[];
    toolIds: string[];
    filterIds: string[];
    actionIds: string[];
    hidden: boolean;
  };
  is_active: boolean;
  /** seconds */
  created_at: number;
  /** seconds */
  updated_at: number;
}

/** Something left out of an imported element that was otherwise fine. */
export type ImportNote =
  | { code: 'param-dropped'; key: string; error: ParamError }
  | { code: 'slug-changed'; from: string; to: string }
  | { code: 'avatar-dropped' }
  | { code: 'field-ignored'; field: string }
  | { code: 'suggestion-dropped'; index: number }
  | { code: 'knowledge-dropped'; index: number }
  /** kept with the preset and exported again, but not used by Atelier */
  | { code: 'field-kept'; field: string }
  /** a Modelfile instruction Atelier has no place for (TEMPLATE, ADAPTER, …) */
  | { code: 'instruction-dropped'; instruction: string; line: number }
  | { code: 'modelfile-line-dropped'; line: number }
  /** a document the sender did not include: the preset arrives without its knowledge */
  | { code: 'knowledge-left-out'; name: string; reason: 'too-large' | 'unavailable' | 'not-shared' }
  /** an Open WebUI document reference: its text lives on that server, not in the file */
  | { code: 'knowledge-external'; name: string }
  /** a field of another app's file (LobeChat, NextChat, Jan) Atelier has no place for */
  | { code: 'app-field-dropped'; field: string }
  /** the base model named by another app's file, kept as it is (it may not be an Ollama model) */
  | { code: 'base-model-from-file'; model: string }
  /** the file named no model: this one, installed here, was chosen */
  | { code: 'base-model-chosen'; model: string };

/** A knowledge reference as imported; `document` is the carried text, made into a document on import. */
export interface ImportedKnowledge extends KnowledgeRef {
  document: { text: string; mime: string; size: number; wholeDocument: boolean } | null;
}

/** Why an element of an import was skipped. */
export type SkipReason =
  | { code: 'not-an-object' }
  | { code: 'missing-id-and-name' }
  | { code: 'bad-id'; id: string }
  | { code: 'wrong-type'; field: string }
  | { code: 'not-a-preset' }
  | { code: 'missing-base-model' };

/**
 * Fields an imported element holds in the preset's own shape (shared/schema/preset.ts): copied to
 * the preset as they are (to-preset.ts), so a field added there needs no line here.
 */
type SameAsPreset = Omit<
  PresetView,
  'schema' | 'kind' | 'id' | 'slug' | 'slugChanged' | 'avatar' | 'suggestions' | 'tags' | 'knowledge' | 'toolIds' | 'filterIds' | 'actionIds' | 'createdAt' | 'updatedAt' | 'extra'
>;

/**
 * The fields needed to create (or replace) a preset from an imported element. Besides the
 * preset's own (name, baseModel, description, system, params, customParams, hidden, vision,
 * capabilities, chatOff, disabled, fallbackModels — optional ones absent when the element had none):
 */
export interface ImportedPreset extends SameAsPreset {
  slug: string;
  /** in display order */
  suggestions: Array<{ title: string; subtitle: string; prompt: string }>;
  tags: string[];
  /** a data:image/(png|jpeg|webp|gif) URL or an http(s) URL; null for the default picture */
  avatarDataUrl: string | null;
  knowledge: ImportedKnowledge[];
  toolIds: string[];
  filterIds: string[];
  actionIds: string[];
  /** ms; null when the element had none */
  createdAt: number | null;
  updatedAt: number | null;
  /** what was dropped from this element */
  notes: ImportNote[];
  /** fields Atelier does not use, kept for export; null when there were none */
  extra: PresetExtra | null;
}

export type ImportError =
  | { code: 'too-large'; maxBytes: number; bytes: number }
  | { code: 'not-json' }
  | { code: 'wrong-shape' };

export type ImportResult =
  | { ok: false; error: ImportError }
  | { ok: true; items: ImportedPreset[]; skipped: Array<{ index: number; name?: string; reason: SkipReason }> };
