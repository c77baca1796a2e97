import { KIND, SCHEMA } from '../schema/kinds.ts';
import { newId } from '../schema/ids.ts';
import { plainValue, type Plain } from '../schema/stored-string.ts';
import type { KnowledgeRef, PresetView, PromptSuggestion } from '../schema/preset.ts';
import { encodePresetExtra } from './extra.ts';
import type { ImportedPreset } from './types.ts';

export interface FromImportOptions {
  /** internal id of the new preset document */
  id: string;
  /** the slug to use when the imported one was taken and the user chose to rename (see uniqueSlug) */
  slug?: string;
  /** automerge URL of the blob document the caller stored the imported picture in */
  avatar: string | null;
  now: number;
  /** key maker for suggestions and knowledge refs (tests pass a deterministic one) */
  makeId?: () => string;
  /**
   * per entry of `imp.knowledge`: the url of the knowledge document the caller made from its
   * carried text (null or absent: the entry keeps the reference it came with)
   */
  knowledgeUrls?: ReadonlyArray<string | null>;
}

function trueMap(list: readonly string[]): Record<string, true> {
  const out: Record<string, true> = {};
  for (const s of list) out[s] = true;
  return out;
}

/**
 * A complete preset document from an imported element. Suggestions get orders 1, 2, 3…
 * in the imported order. Missing timestamps become `now`. The fields an import holds in the
 * preset's own shape are copied as they are.
 */
export function presetFromImport(imp: ImportedPreset, o: FromImportOptions): PresetView {
  const makeId = o.makeId ?? newId;
  const { slug, suggestions: importedSuggestions, tags, avatarDataUrl, knowledge: importedKnowledge, toolIds, filterIds, actionIds, createdAt, updatedAt, notes, extra, ...same } = imp;
  const suggestions: Record<string, Plain<PromptSuggestion>> = {};
  importedSuggestions.forEach((s, i) => {
    suggestions[makeId()] = { title: s.title, subtitle: s.subtitle, prompt: s.prompt, order: i + 1 };
  });
  const knowledge: Record<string, KnowledgeRef> = {};
  importedKnowledge.forEach((k, i) => {
    const made = o.knowledgeUrls?.[i] ?? null;
    knowledge[makeId()] = made ? { name: k.name, type: k.type, url: made, externalId: null } : { name: k.name, type: k.type, url: k.url, externalId: k.externalId };
  });
  return {
    // a deep copy (not structuredClone: the item may be a UI store's proxy), sharing nothing with the import
    ...plainValue(same),
    schema: SCHEMA.preset,
    kind: KIND.preset,
    id: o.id,
    slug: o.slug ?? slug,
    suggestions,
    tags: trueMap(tags),
    avatar: o.avatar,
    knowledge,
    toolIds: trueMap(toolIds),
    filterIds: trueMap(filterIds),
    actionIds: trueMap(actionIds),
    createdAt: createdAt ?? o.now,
    updatedAt: updatedAt ?? o.now,
    ...(extra ? { extra: encodePresetExtra(extra) } : {}),
  };
}
