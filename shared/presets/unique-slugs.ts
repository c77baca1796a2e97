import { SLUG_MAX_LENGTH } from './slug.ts';

/*
 * Two devices can each give a preset the same model ID while apart (a clone of one preset, or a
 * new preset of the same name, on both). When they meet, every device must end with the same
 * unique IDs without asking anyone: the presets sharing an ID are ordered by (createdAt, id), the
 * first keeps it, and each other one gets the first free `<id>-2`, `<id>-3`, … in that order.
 * The answer depends only on the set of presets, so devices that see the same set write the same
 * values, and concurrent identical writes converge.
 */

export interface SlugHolder {
  id: string;
  slug: string;
  createdAt: number;
}

export interface SlugRename {
  id: string;
  from: string;
  to: string;
}

function withSuffix(slug: string, n: number): string {
  const suffix = `-${n}`;
  return slug.slice(0, SLUG_MAX_LENGTH - suffix.length) + suffix;
}

/** The renames that make every model ID in `presets` unique (none when they already are). */
export function slugRenames(presets: readonly SlugHolder[]): SlugRename[] {
  const bySlug = new Map<string, SlugHolder[]>();
  for (const p of presets) {
    const group = bySlug.get(p.slug);
    if (group) group.push(p);
    else bySlug.set(p.slug, [p]);
  }
  const taken = new Set(bySlug.keys());
  const renames: SlugRename[] = [];
  const clashing = [...bySlug.entries()].filter(([, g]) => g.length > 1).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [slug, group] of clashing) {
    const ordered = [...group].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let n = 2;
    for (const p of ordered.slice(1)) {
      while (taken.has(withSuffix(slug, n))) n++;
      const to = withSuffix(slug, n);
      taken.add(to);
      renames.push({ id: p.id, from: slug, to });
    }
  }
  return renames;
}

/** `presets` with the renames applied (for an export that must never hold two presets with one ID). */
export function withUniqueSlugs<T extends SlugHolder>(presets: readonly T[]): T[] {
  const to = new Map(slugRenames(presets).map((r) => [r.id, r.to]));
  return presets.map((p) => {
    const slug = to.get(p.id);
    return slug === undefined ? p : { ...p, slug };
  });
}
