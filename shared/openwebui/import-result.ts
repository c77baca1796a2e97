import type { ImportResult, ImportedPreset, SkipReason } from './types.ts';

/** What reading one element of an import file gave: a preset, or why it was skipped. */
export type ItemResult = { ok: true; item: ImportedPreset } | { ok: false; reason: SkipReason; name?: string };

/** Every element read in order: the presets made, and each skipped element with its index, name (if any) and reason. */
export function collectItems(elements: readonly unknown[], read: (element: unknown) => ItemResult): Extract<ImportResult, { ok: true }> {
  const items: ImportedPreset[] = [];
  const skipped: Extract<ImportResult, { ok: true }>['skipped'] = [];
  elements.forEach((element, index) => {
    const r = read(element);
    if (r.ok) items.push(r.item);
    else skipped.push(r.name === undefined ? { index, reason: r.reason } : { index, name: r.name, reason: r.reason });
  });
  return { ok: true, items, skipped };
}
