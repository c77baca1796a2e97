import type { ImportNote, ImportResult } from '../openwebui/types.ts';
import { chooseBaseModel, dropIfSet, isRecord, noteAvatar, readAppParams, text, timeOf, type AppImportOptions, type Rec } from './common.ts';
import { makeImportedPreset } from '../openwebui/imported-preset.ts';

/*
 * Jan assistants: `assistants/<id>/assistant.json`. Older Jan (0.4–0.5) writes the OpenAI
 * assistant shape (`object: "assistant"`, `model` — "*" for any —, `instructions`, `tools`,
 * `file_ids`); Jan 0.6 writes `instructions` with `parameters` and an emoji `avatar`.
 */

export function isJanAssistant(x: unknown): x is Rec {
  return isRecord(x) && typeof x.instructions === 'string' && typeof x.name === 'string' && (x.object === 'assistant' || 'parameters' in x || 'model' in x);
}

/** Jan's own parameter of the request (streaming is how Atelier always asks). */
const JAN_ONLY = new Set(['stream']);

export function parseJan(data: Rec, opts: AppImportOptions): ImportResult {
  const name = text(data.name);
  const notes: ImportNote[] = [];
  const baseModel = chooseBaseModel(text(data.model), opts, notes);
  if (baseModel === null) return { ok: true, items: [], skipped: [{ index: 0, ...(name ? { name } : {}), reason: { code: 'missing-base-model' } }] };
  const params = readAppParams(data.parameters, 'parameters.', notes, JAN_ONLY);
  noteAvatar(notes, data.avatar);
  const tools = Array.isArray(data.tools) ? data.tools.filter((t) => isRecord(t) && t.enabled !== false) : [];
  dropIfSet(notes, 'tools', tools);
  dropIfSet(notes, 'file_ids', data.file_ids);
  return {
    ok: true,
    items: [
      makeImportedPreset({
        slugFrom: [text(data.id), name],
        name,
        baseModel,
        description: text(data.description),
        system: text(data.instructions),
        params,
        createdAt: timeOf(data.created_at),
        notes,
      }),
    ],
    skipped: [],
  };
}
