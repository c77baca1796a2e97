/**
 * An imported preset from the fields an importer read, every other field empty: the one place
 * that lists an imported preset's defaults (Modelfile, LobeChat, NextChat, Jan).
 */
import { deriveSlug } from '../presets/slug.ts';
import type { ImportedPreset } from './types.ts';

export function makeImportedPreset(f: {
  slugFrom: string[];
  name: string;
  baseModel: string;
  description?: string;
  system: string;
  params?: ImportedPreset['params'];
  suggestions?: ImportedPreset['suggestions'];
  tags?: string[];
  createdAt?: number | null;
  updatedAt?: number | null;
  notes: ImportedPreset['notes'];
}): ImportedPreset {
  const slug = f.slugFrom.map((s) => deriveSlug(s)).find((s) => s !== '') || 'model';
  return {
    slug,
    name: f.name.trim() || slug,
    baseModel: f.baseModel,
    description: f.description ?? '',
    system: f.system,
    params: f.params ?? {},
    suggestions: f.suggestions ?? [],
    tags: f.tags ?? [],
    hidden: false,
    vision: false,
    capabilities: {},
    avatarDataUrl: null,
    knowledge: [],
    toolIds: [],
    filterIds: [],
    actionIds: [],
    createdAt: f.createdAt ?? null,
    updatedAt: f.updatedAt ?? null,
    notes: f.notes,
    extra: null,
  };
}
