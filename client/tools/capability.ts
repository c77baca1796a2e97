import { sameModelName } from '../../shared/ollama/pull-name.ts';
import type { KnownModel } from '../ollama/known-models.ts';

/** Can the base model take `tools`? 'unknown' when it is not in the known list or its capabilities were never read. */
export function baseModelToolSupport(baseModel: string, known: KnownModel[]): 'yes' | 'no' | 'unknown' {
  const m = known.find((k) => k.name === baseModel || sameModelName(k.name, baseModel));
  if (!m || m.capabilities.length === 0) return 'unknown';
  return m.capabilities.includes('tools') ? 'yes' : 'no';
}
