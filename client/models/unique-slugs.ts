import { createEffect, type Accessor } from 'solid-js';
import { immutable } from '../../shared/schema/index.ts';
import { slugRenames, type SlugHolder } from '../../shared/presets/unique-slugs.ts';
import type { PresetItem } from './presets-context.tsx';

/**
 * Keeps every preset's model ID unique: when two presets share one (given on two devices while
 * apart), the rule of shared/presets/unique-slugs.ts renames all but the first, as a change that
 * also records the old ID so the person is told (MergeNotices). Runs only once every preset that
 * can be opened is loaded, so devices that hold the same presets write the same values.
 */
export function createUniqueSlugs(all: Accessor<PresetItem[]>): void {
  createEffect(() => {
    const items = all();
    const holders: SlugHolder[] = [];
    for (const p of items) {
      const d = p.doc();
      if (d) holders.push({ id: p.id, slug: d.slug, createdAt: d.createdAt });
      else if (p.opened.problem() === null) return; // still loading: wait for the whole set
    }
    for (const r of slugRenames(holders)) {
      const item = items.find((p) => p.id === r.id);
      const store = item?.opened.readOnly() ? undefined : item?.opened.store();
      store?.change((d) => {
        if (d.slug !== r.from) return;
        d.slug = r.to;
        d.slugChanged = { from: immutable(r.from), to: immutable(r.to) };
      });
    }
  });
}
