import { sortedSuggestions, type Plain, type PresetView, type PromptSuggestion } from '../../shared/schema/index.ts';
import type { ChatTarget } from '../../shared/chat/request.ts';
import { sameModelName } from '../../shared/ollama/pull-name.ts';
import { useOllamaModels } from '../ollama/known-models-context.tsx';
import { useOpenAIConnections } from '../openai/connections-context.tsx';
import { usePresets } from '../models/presets-context.tsx';
import { ollamaRef, parseOpenAIRef, presetRef } from '../../shared/chat/model-ref.ts';
import { openAIModelInfo } from './openai-model-info.ts';
import { presetRunModel } from './model-fallback.ts';

/*
 * What the chat needs to know about a model reference (`preset:<id>` or `ollama:<name>`):
 * its display name and avatar, whether it reads images (a preset's vision flag, or Ollama's
 * capabilities of its model), its prompt suggestions, and how to
 * call it (ChatTarget for buildChatRequest).
 */

export interface ModelInfo {
  ref: string;
  name: string;
  /** the id Open WebUI knows: a preset's slug or the Ollama name */
  modelId: string;
  avatar: string | null;
  vision: boolean;
  suggestions: Array<Plain<PromptSuggestion> & { id: string }>;
  /** null when the preset is gone or not loaded yet */
  target: ChatTarget | null;
  /** the Ollama model that will run */
  ollamaModel: string;
  /** a preset's base model that is not on this device, when `ollamaModel` is one of its fallbacks */
  missingBase?: string | null;
}

export interface ModelCatalog {
  info(ref: string | null | undefined): ModelInfo | null;
  /** a model reference for an Open WebUI model id (preset slug, else an Ollama name) */
  refForId(id: string): string;
}

/** `baseVision`: Ollama lists the preset's base model with the "vision" capability */
function presetInfo(ref: string, p: PresetView | undefined, fallbackName: string, baseVision: boolean, run?: { model: string; missing: string | null }): ModelInfo {
  const missingBase = run?.missing ?? null;
  const target: ChatTarget | null = p ? { kind: 'preset', preset: missingBase && run ? { ...p, baseModel: run.model } : p } : null;
  return {
    ref,
    name: p?.name ?? fallbackName,
    modelId: p?.slug ?? fallbackName,
    avatar: p?.avatar ?? null,
    vision: (p?.vision ?? false) || baseVision,
    suggestions: p ? sortedSuggestions(p) : [],
    target,
    ollamaModel: missingBase && run ? run.model : (p?.baseModel ?? ''),
    missingBase,
  };
}

export function createModelCatalog(): ModelCatalog {
  const ollamaModels = useOllamaModels();
  const openaiStore = useOpenAIConnections();
  const presets = usePresets();
  const baseVision = (name: string) =>
    ollamaModels.models().some((m) => (m.name === name || sameModelName(m.name, name)) && m.capabilities.includes('vision'));
  return {
    info(ref) {
      if (!ref) return null;
      if (ref.startsWith('preset:')) {
        const id = ref.slice('preset:'.length);
        const doc = presets.byId(id)?.doc();
        const run = doc ? presetRunModel(doc, ollamaModels.models()) : undefined;
        return presetInfo(ref, doc, doc?.name ?? id, run ? baseVision(run.model) : false, run);
      }
      const openai = parseOpenAIRef(ref);
      if (openai) return openAIModelInfo(openaiStore, ref, openai.connectionId, openai.model);
      const name = ref.startsWith('ollama:') ? ref.slice('ollama:'.length) : ref;
      return {
        ref,
        name,
        modelId: name,
        avatar: null,
        vision: baseVision(name),
        suggestions: [],
        target: { kind: 'base', model: name },
        ollamaModel: name,
      };
    },
    refForId(id) {
      const preset = presets.all().find((p) => p.doc()?.slug === id);
      return preset ? presetRef(preset.id) : ollamaRef(id);
    },
  };
}
