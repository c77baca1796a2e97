import type { ImportNote, ImportResult } from '../openwebui/types.ts';
import { chooseBaseModel, dropIfSet, isRecord, noteAvatar, readAppParams, tagList, text, timeOf, type AppImportOptions, type ItemResult, type Rec } from './common.ts';
import { collectItems } from '../openwebui/import-result.ts';
import { makeImportedPreset } from '../openwebui/imported-preset.ts';

/*
 * LobeChat agents: one agent file as its marketplace publishes it (lobe-chat-agents `src/<id>.json`:
 * `identifier`, `config.systemRole`, `config.params`, `config.openingQuestions`, `meta.title`,
 * `meta.description`, `meta.tags`, `meta.avatar`), or the app's own export of its agents
 * (`{ exportType: "agents", state: { sessions: [{ config, meta }] } }`).
 * Opening questions become prompt suggestions.
 */

export function isLobeChatAgent(x: unknown): x is Rec {
  return isRecord(x) && isRecord(x.config) && ('systemRole' in x.config || 'params' in x.config) && (isRecord(x.meta) || x.meta === undefined);
}

export function isLobeChatExport(x: unknown): x is Rec {
  return isRecord(x) && isRecord(x.state) && Array.isArray(x.state.sessions);
}

function readAgent(agent: Rec, opts: AppImportOptions): ItemResult {
  const config = isRecord(agent.config) ? agent.config : {};
  const meta = isRecord(agent.meta) ? agent.meta : {};
  const name = text(meta.title);
  const notes: ImportNote[] = [];
  const baseModel = chooseBaseModel(text(config.model), opts, notes);
  if (baseModel === null) return { ok: false, reason: { code: 'missing-base-model' }, ...(name ? { name } : {}) };
  // LobeChat's own switches for when a parameter is set: the value alone says it here
  const params = readAppParams(config.params, 'config.params.', notes, new Set(['enableMaxTokens', 'enableReasoningEffort']));
  const suggestions = (Array.isArray(config.openingQuestions) ? config.openingQuestions : [])
    .filter((q): q is string => typeof q === 'string' && q.trim() !== '')
    .map((q) => ({ title: q, subtitle: '', prompt: q }));
  noteAvatar(notes, meta.avatar);
  dropIfSet(notes, 'config.openingMessage', config.openingMessage);
  dropIfSet(notes, 'config.plugins', config.plugins);
  dropIfSet(notes, 'config.knowledgeBases', config.knowledgeBases);
  dropIfSet(notes, 'config.files', config.files);
  dropIfSet(notes, 'config.inputTemplate', config.inputTemplate);
  dropIfSet(notes, 'examples', agent.examples);
  return {
    ok: true,
    item: makeImportedPreset({
      slugFrom: [text(agent.identifier), name],
      name: name || text(agent.identifier),
      baseModel,
      description: text(meta.description),
      system: text(config.systemRole),
      params,
      suggestions,
      tags: tagList(meta.tags),
      createdAt: timeOf(agent.createdAt),
      notes,
    }),
  };
}

export function parseLobeChat(data: Rec, opts: AppImportOptions): ImportResult {
  const agents: unknown[] = isLobeChatExport(data) ? (data.state as { sessions: unknown[] }).sessions : [data];
  return collectItems(agents, (a) => (isRecord(a) ? readAgent(a, opts) : { ok: false, reason: { code: 'not-an-object' } }));
}
