import * as v from 'valibot';
import { makePersisted } from '../device/persisted.ts';
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

const Card = v.object({
  id: v.string(),
  name: v.string(),
  slug: v.string(),
  baseModel: v.string(),
  description: v.string(),
  tags: v.array(v.string()),
  hidden: v.boolean(),
});
const View = v.object({ workspaceUrl: v.string(), cards: v.array(Card) });

/** A cache: a value that does not validate is simply no saved list (the live one replaces it). */
const stored = makePersisted<SavedModelsView | null>({ key: KEY, what: 'modelsView', schema: v.nullable(View), fallback: () => null });

export function loadModelsView(workspaceUrl: string | null): SavedModelsView | null {
  if (!workspaceUrl) return null;
  const saved = stored.read();
  return saved?.workspaceUrl === workspaceUrl ? saved : null;
}

export function cardOf(id: string, d: PresetView): SavedCard {
  return { id, name: d.name, slug: d.slug, baseModel: d.baseModel, description: d.description, tags: presetTags(d), hidden: Boolean(d.hidden) };
}

export function saveModelsView(view: SavedModelsView): void {
  // Not stored (reported): the next start waits for the live list, as without a saved one.
  stored.write(view);
}

/** The same search as the live list: name, model ID or a tag (accents and case aside), and the chosen tag. */
export function cardMatches(c: { name: string; slug: string; tags: string[] }, query: string, tag: string): boolean {
  if (tag && !c.tags.includes(tag)) return false;
  return matchesSearch(query, [c.name, c.slug, ...c.tags]);
}
