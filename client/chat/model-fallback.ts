import type { PresetView } from '../../shared/schema/index.ts';
import { resolveBaseModel, type ResolvedBase } from '../../shared/presets/fallback.ts';
import type { KnownModel } from '../ollama/known-models.ts';

/**
 * The model a preset's chat runs on this device: its base model, or the first installed of its
 * fallbacks when the base is not installed here. An empty list of known models means this
 * device has not listed its Ollama yet: the base is kept (a failure then says what is missing).
 */
export function presetRunModel(p: Pick<PresetView, 'baseModel' | 'fallbackModels'>, known: readonly KnownModel[]): ResolvedBase {
  const installed = known.length > 0 ? known.map((m) => m.name) : null;
  return resolveBaseModel(p.baseModel, p.fallbackModels ?? [], installed);
}
