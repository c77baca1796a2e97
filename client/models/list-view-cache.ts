import { presetTags, type PresetView } from '../../shared/schema/index.ts';
import { matchesSearch } from '../../shared/text/search.ts';

/*
 * What the models list last showed, kept on this device only (like the chat's saved views).
 * Before the list can be live, the workspace document has to load — with thousands of
 * conversations in its index, over a second — and then every preset. The saved list is painted
 * at once (inert, searchable) and the live one replaces it when every preset is open. Never
 * synced, never the source of truth: a stale list is only visible until then.
 */

const KEY = 'atelier.modelsView';

export interface SavedCard {
  id: string;
  name: string;
  slug: string;
  baseModel: string;
  description: string;
  tags: string[];
  hidden: boolean;
}

export interface SavedModelsView {
  /** the workspace it was saved from: another one's list is never shown */
  workspaceUrl: string;
  cards: SavedCard[];
}

const isCard = (c: unknown): c is SavedCard => {
  const o = c as Record<string, unknown>;
  return (
    typeof o === 'object' &&
    o !== null &&
    ['id', 'name', 'slug', 'baseModel', 'description'].every((k) => typeof o[k] === 'string') &&
    Array.isArray(o.tags) &&
    o.tags.every((t) => typeof t === 'string') &&
    typeof o.hidden === 'boolean'
  );
};

export function loadModelsView(workspaceUrl: string | null): SavedModelsView | null {
  if (!workspaceUrl) return null;
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as SavedModelsView | null;
    if (!v || v.workspaceUrl !== workspaceUrl || !Array.isArray(v.cards) || !v.cards.every(isCard)) return null;
    return v;
  } catch {
    return null; // no storage, or something else wrote there: no saved list
  }
}

export function cardOf(id: string, d: PresetView): SavedCard {
  return { id, name: d.name, slug: d.slug, baseModel: d.baseModel, description: d.description, tags: presetTags(d), hidden: Boolean(d.hidden) };
}

export function saveModelsView(view: SavedModelsView): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(view));
  } catch {
    // full or unavailable: the next start waits for the live list, as without a saved one
  }
}

/** The same search as the live list: name, model ID or a tag (accents and case aside), and the chosen tag. */
export function cardMatches(c: { name: string; slug: string; tags: string[] }, query: string, tag: string): boolean {
  if (tag && !c.tags.includes(tag)) return false;
  return matchesSearch(query, [c.name, c.slug, ...c.tags]);
}
