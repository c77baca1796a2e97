import type { ImportNote, ImportResult } from '../openwebui/types.ts';
import { chooseBaseModel, dropIfSet, isRecord, noteAvatar, readAppParams, text, timeOf, type AppImportOptions, type ItemResult, type Rec } from './common.ts';
import { collectItems } from '../openwebui/import-result.ts';
import { makeImportedPreset } from '../openwebui/imported-preset.ts';

/*
 * NextChat (ChatGPT-Next-Web) masks: `masks.json` as its Masks page downloads it (an array of
 * masks), one mask, or the built-in masks grouped by language (`{ en: [...], cn: [...] }`).
 * A mask's `context` messages with role "system" make the system prompt (joined by a blank
 * line); its other context messages (examples of a conversation) have no place in a preset and
 * are listed as left out. `modelConfig` gives the model and the parameters.
 */

export function isNextChatMask(x: unknown): x is Rec {
  return isRecord(x) && Array.isArray(x.context) && isRecord(x.modelConfig);
}

/** The masks of a file that is made of masks, or null. */
export function nextChatMasks(data: unknown): unknown[] | null {
  if (isNextChatMask(data)) return [data];
  if (Array.isArray(data) && data.length > 0 && data.every(isNextChatMask)) return data;
  if (isRecord(data)) {
    const groups = Object.values(data);
    if (groups.length > 0 && groups.every((g) => Array.isArray(g) && g.every(isNextChatMask))) return groups.flat() as unknown[];
  }
  return null;
}

/** NextChat's own keys of modelConfig, for its conversation memory and image models. */
const NEXTCHAT_ONLY = ['sendMemory', 'historyMessageCount', 'compressMessageLengthThreshold', 'compressModel', 'compressProviderName', 'enableInjectSystemPrompts', 'template', 'size', 'quality', 'style', 'providerName', 'model'];

function readMask(mask: Rec, opts: AppImportOptions): ItemResult {
  const name = text(mask.name);
  const config = isRecord(mask.modelConfig) ? mask.modelConfig : {};
  const notes: ImportNote[] = [];
  const baseModel = chooseBaseModel(text(config.model), opts, notes);
  if (baseModel === null) return { ok: false, reason: { code: 'missing-base-model' }, ...(name ? { name } : {}) };
  const params = readAppParams(config, 'modelConfig.', notes, new Set(NEXTCHAT_ONLY));
  dropIfSet(notes, 'modelConfig.template', typeof config.template === 'string' && config.template !== '{{input}}' ? config.template : '');
  const system: string[] = [];
  const context = Array.isArray(mask.context) ? mask.context : [];
  context.forEach((m, i) => {
    if (isRecord(m) && m.role === 'system' && typeof m.content === 'string') system.push(m.content);
    else dropIfSet(notes, `context[${i}]`, isRecord(m) ? m.content : m);
  });
  noteAvatar(notes, mask.avatar === 'gpt-bot' ? '' : mask.avatar);
  dropIfSet(notes, 'plugin', mask.plugin);
  return {
    ok: true,
    item: makeImportedPreset({
      slugFrom: [name, String(mask.id ?? '')],
      name,
      baseModel,
      system: system.join('\n\n'),
      params,
      createdAt: timeOf(mask.createdAt),
      notes,
    }),
  };
}

export function parseNextChat(masks: readonly unknown[], opts: AppImportOptions): ImportResult {
  return collectItems(masks, (m) => (isRecord(m) ? readMask(m, opts) : { ok: false, reason: { code: 'not-an-object' } }));
}
