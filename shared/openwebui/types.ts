import type { KnowledgeRef, ParamValue } from '../schema/preset.ts';
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
}

/** One element of an Open WebUI model export (see shared/reference/openwebui-model-json.md). */
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
  | { code: 'knowledge-dropped'; index: number };

/** Why an element of an import was skipped. */
export type SkipReason =
  | { code: 'not-an-object' }
  | { code: 'missing-id-and-name' }
  | { code: 'bad-id'; id: string }
  | { code: 'wrong-type'; field: string }
  | { code: 'not-a-preset' }
  | { code: 'missing-base-model' };

/** The fields needed to create (or replace) a preset from an imported element. */
export interface ImportedPreset {
  slug: string;
  name: string;
  baseModel: string;
  description: string;
  system: string;
  params: Record<string, ParamValue>;
  /** in display order */
  suggestions: Array<{ title: string; subtitle: string; prompt: string }>;
  tags: string[];
  hidden: boolean;
  vision: boolean;
  /** Open WebUI capabilities other than vision */
  capabilities: Record<string, boolean>;
  /** a data:image/(png|jpeg|webp|gif) URL or an http(s) URL; null for the default picture */
  avatarDataUrl: string | null;
  knowledge: KnowledgeRef[];
  toolIds: string[];
  filterIds: string[];
  actionIds: string[];
  /** ms; null when the element had none */
  createdAt: number | null;
  updatedAt: number | null;
  /** what was dropped from this element */
  notes: ImportNote[];
}

export type ImportError =
  | { code: 'too-large'; maxBytes: number; bytes: number }
  | { code: 'not-json' }
  | { code: 'wrong-shape' };

export type ImportResult =
  | { ok: false; error: ImportError }
  | { ok: true; items: ImportedPreset[]; skipped: Array<{ index: number; name?: string; reason: SkipReason }> };
