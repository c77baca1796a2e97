import { presetTags, sortedSuggestions, type PresetDoc } from '../schema/preset.ts';
import { storedString } from '../schema/stored-string.ts';
import { decodePresetExtra } from './extra.ts';
import { customValueText } from '../params/custom.ts';
import type { OwuiCarriedDocument, OwuiKnowledge, OwuiModel } from './types.ts';

/**
 * The picture Open WebUI stores for a model without one (ModelMeta's default). Written
 * instead of leaving the key out so the element looks exactly like Open WebUI's own exports.
 */
export const OWUI_DEFAULT_AVATAR = '/static/favicon.png';

function sortedKeys(r: Record<string, unknown>): string[] {
  return Object.keys(r).sort();
}

/** A stored `format` schema text goes out as the object Open WebUI and Ollama expect. */
function exportParam(key: string, value: unknown): unknown {
  if (key === 'format' && typeof value === 'string' && value !== 'json') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed === 'object' && parsed !== null) return parsed;
    } catch {
      // not JSON: leave the text as it is
    }
  }
  return Array.isArray(value) ? [...(value as unknown[])] : value;
}

/**
 * One element of an Open WebUI model export for `p`.
 * - `avatarDataUrl`: the preset's picture as a data URL (read from its blob), or null.
 * - Empty description → null and empty system prompt → left out, as Open WebUI saves them.
 * - No suggestions → `suggestion_prompts: null` (Open WebUI's "default suggestions").
 * - Knowledge refs keep their Open WebUI id; our own documents are exported under their
 *   automerge URL, which Open WebUI will show as unavailable and we resolve on re-import.
 * - `documents` (by knowledge url): each of our documents goes out in its entry's
 *   `atelier_document`, carried or marked left out; without it, entries carry nothing.
 * - Fields kept from an import (`p.extra`) are written back where they came from; Atelier's
 *   own values win over a kept key of the same name.
 */
export function presetToOpenWebUI(
  p: PresetDoc,
  avatarDataUrl: string | null,
  documents?: ReadonlyMap<string, OwuiCarriedDocument>,
): OwuiModel {
  const extra = decodePresetExtra(p.extra == null ? null : storedString(p.extra));
  const params: OwuiModel['params'] = { ...extra.params };
  const system = String(p.system);
  if (system.trim() !== '') params.system = system;
  for (const key of Object.keys(p.params)) {
    if (key === 'system') continue;
    const name = extra.paramNames?.[key];
    // exported under the element's own name unless a kept key already holds that name
    const out = name !== undefined && !(name in params) ? name : key;
    params[out] = exportParam(key, p.params[key]);
  }
  // custom parameters go back as Open WebUI's editor keeps them: the typed text, under custom_params
  const custom = Object.entries(p.customParams ?? {});
  if (custom.length > 0) {
    const kept = params.custom_params;
    const merged: Record<string, unknown> = typeof kept === 'object' && kept !== null && !Array.isArray(kept) ? { ...(kept as Record<string, unknown>) } : {};
    for (const [k, json] of custom) merged[k] = customValueText(storedString(json));
    params.custom_params = merged;
  }

  const suggestions = sortedSuggestions(p).map((s) => ({
    content: String(s.prompt),
    title: [String(s.title), String(s.subtitle)] as [string, string],
  }));

  const knowledge: OwuiKnowledge[] = sortedKeys(p.knowledge).map((k) => {
    const ref = p.knowledge[k]!;
    const id = ref.externalId ?? ref.url ?? '';
    const entry: OwuiKnowledge = { ...(ref.externalId ? extra.knowledge?.[ref.externalId] : undefined), id, name: String(ref.name), type: String(ref.type) };
    if (documents && ref.url && !ref.externalId) entry.atelier_document = documents.get(ref.url) ?? { left_out: 'unavailable' };
    return entry;
  });

  const description = String(p.description);
  return {
    ...extra.element,
    id: p.slug,
    base_model_id: p.baseModel,
    name: storedString(p.name),
    params,
    meta: {
      ...extra.meta,
      profile_image_url: avatarDataUrl ?? OWUI_DEFAULT_AVATAR,
      description: description.trim() === '' ? null : description,
      capabilities: { ...p.capabilities, vision: p.vision },
      suggestion_prompts: suggestions.length > 0 ? suggestions : null,
      tags: presetTags(p).map((name) => ({ name })),
      knowledge,
      toolIds: sortedKeys(p.toolIds),
      filterIds: sortedKeys(p.filterIds),
      actionIds: sortedKeys(p.actionIds),
      hidden: p.hidden,
      // default filters, once the preset says which (imported, or set in the editor)
      ...(p.chatOff ? { defaultFilterIds: sortedKeys(p.filterIds).filter((id) => !p.chatOff?.[id]) } : {}),
      // Atelier's own (Open WebUI has no fallback models): Open WebUI keeps unknown meta keys
      ...(p.fallbackModels && p.fallbackModels.length > 0 ? { atelier_fallback_models: p.fallbackModels.map((m) => storedString(m)) } : {}),
    },
    is_active: p.disabled !== true,
    created_at: Math.floor(p.createdAt / 1000),
    updated_at: Math.floor(p.updatedAt / 1000),
  };
}

/** The text of an export file: a JSON array, as Open WebUI writes it. */
export function exportJson(elements: readonly OwuiModel[]): string {
  return JSON.stringify(elements);
}

/**
 * Open WebUI's file names: `<id>-<ms>.json` for one model, `models-export-<ms>.json` for all.
 * Characters that are not safe in file names on every system are replaced by `_`.
 */
export function exportFileName(kind: 'one' | 'all', slug: string | null, now: number): string {
  const ms = Math.floor(now);
  if (kind === 'all') return `models-export-${ms}.json`;
  const safe = (slug ?? '').replace(/[^A-Za-z0-9._-]/g, '_') || 'model';
  return `${safe}-${ms}.json`;
}
