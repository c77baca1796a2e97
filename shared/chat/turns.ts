import { storedOrNull, storedString } from '../schema/stored-string.ts';
import { branchPath, parentOf, type Messages } from './tree.ts';

/*
 * What the chat shows for the visible branch: user messages, single answers, and turns
 * sent to several models at once, whose answers stand side by side (one column per model,
 * each with its own regenerations). Which column is "selected" follows `currentId`: the
 * next user message continues from it.
 */

export type Turn =
  | { kind: 'user'; key: string; id: string }
  | { kind: 'answer'; key: string; id: string }
  | { kind: 'multi'; key: string; parentId: string; selectedId: string; models: string[] };

/** True when the user message was sent to several models (Open WebUI's `models` on the user message). */
export function isMultiModelTurn(messages: Messages, userId: string | null): boolean {
  if (userId === null) return false;
  const models = messages[userId]?.models;
  return Array.isArray(models) && new Set(models.map(storedString)).size > 1;
}

/** The models a user message was sent to, as plain strings, each once, in order. */
function modelsAsked(messages: Messages, userId: string): string[] {
  return [...new Set((messages[userId]?.models ?? []).map(storedString))];
}

export function displayTurns(messages: Messages, currentId: string | null): Turn[] {
  const out: Turn[] = [];
  for (const m of branchPath(messages, currentId)) {
    const id = storedString(m.id);
    const role = storedString(m.role);
    const parentId = parentOf(m);
    if (role === 'assistant' && parentId !== null && isMultiModelTurn(messages, parentId)) {
      out.push({ kind: 'multi', key: `multi:${parentId}`, parentId, selectedId: id, models: modelsAsked(messages, parentId) });
    } else if (role === 'assistant') {
      out.push({ kind: 'answer', key: id, id });
    } else if (role === 'user') {
      out.push({ kind: 'user', key: id, id });
    }
    // system and tool messages are not shown
  }
  return out;
}

export interface AnswerColumn {
  model: string;
  /** this model's answers to the turn (regenerations), oldest first */
  ids: string[];
  /** the answer shown in the column */
  shownId: string | null;
  index: number;
  /** the column holds the selected answer (the branch continues from it) */
  selected: boolean;
}

/**
 * One column per model asked (in the order they were asked), plus any model that answered
 * without being asked (a sync from an older device). A column shows the selected answer when
 * it is that model's, else the one the person last looked at (`shown`), else the latest.
 */
export function answerColumns(
  messages: Messages,
  parentId: string,
  selectedId: string,
  shown: Readonly<Record<string, string>> = {},
): AnswerColumn[] {
  const parent = messages[parentId];
  if (!parent) return [];
  const answers = [...new Set(parent.childrenIds.map(storedString))]
    .map((id) => messages[id])
    // merged answers (merge.ts) are shown apart, never in a model's column
    .filter((m): m is NonNullable<typeof m> => m !== undefined && storedString(m.role) === 'assistant' && !m.mergeOf)
    .map((m) => ({ id: storedString(m.id), model: storedOrNull(m.model) }));
  const models = modelsAsked(messages, parentId);
  for (const a of answers) if (a.model !== null && !models.includes(a.model)) models.push(a.model);
  const selected = messages[selectedId];
  const selectedModel = selected === undefined ? undefined : storedOrNull(selected.model);
  return models.map((model) => {
    const ids = answers.filter((a) => a.model === model).map((a) => a.id);
    const isSelected = selected !== undefined && selectedModel === model && ids.includes(selectedId);
    const remembered = shown[model];
    const shownId = isSelected ? selectedId : remembered !== undefined && ids.includes(remembered) ? remembered : (ids.at(-1) ?? null);
    return { model, ids, shownId, index: shownId === null ? -1 : ids.indexOf(shownId), selected: isSelected };
  });
}
