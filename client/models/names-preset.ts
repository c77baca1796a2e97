import { searchKey } from '../../shared/text/search.ts';
import type { PresetsValue } from './presets-context.tsx';

/**
 * Whether a typed query is a preset's name or model ID (hidden ones included: they are left out
 * of the list, not forgotten), so a search for that preset, never a model to download.
 */
export function namesPreset(presets: PresetsValue, query: string): boolean {
  const k = searchKey(query.trim());
  return presets.live().some((p) => {
    const d = p.doc();
    return d !== undefined && (searchKey(d.name) === k || searchKey(d.slug) === k);
  });
}
