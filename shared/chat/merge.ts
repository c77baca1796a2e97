import { storedOrNull, storedString } from '../schema/stored-string.ts';
import type { ChatMessage, ConversationDoc, PlainMessage } from '../schema/conversation.ts';
import { addMessage, branchPath, parentOf, selectLeaf, type Messages } from './tree.ts';

/*
 * Merging the answers of a turn several models answered (Open WebUI's "Merge Responses",
 * a mixture-of-agents step): one chosen model is asked to combine them into one answer.
 * The merged answer is an assistant message among the turn's answers, marked by `mergeOf`
 * (the ids of the answers it combines), so it streams, stops, retries, syncs and can be
 * continued from like any answer. It never belongs to a model's column.
 */

/**
 * Open WebUI's prompt (DEFAULT_MOA_GENERATION_PROMPT_TEMPLATE in backend/open_webui/config.py),
 * with the question and the answers filled the way its moa_response_generation_template does.
 * Kept in English as Open WebUI sends it: it instructs the model, the person never reads it.
 */
export const MERGE_PROMPT_TEMPLATE = `You have been provided with a set of responses from various models to the latest user query: "{{prompt}}"

Your task is to synthesize these responses into a single, high-quality response. It is crucial to critically evaluate the information provided in these responses, recognizing that some of it may be biased or incorrect. Your response should not simply replicate the given answers but should offer a refined, accurate, and comprehensive reply to the instruction. Ensure your response is well-structured, coherent, and adheres to the highest standards of accuracy and reliability.

Responses from models: {{responses}}`;

export function mergePrompt(question: string, responses: readonly string[]): string {
  const joined = responses.map((r) => `"""${r}"""`).join('\n\n');
  // one pass, so a question containing "{{responses}}" is not filled in turn
  return MERGE_PROMPT_TEMPLATE.replace(/\{\{(prompt|responses)\}\}/g, (_, k: string) => (k === 'prompt' ? question : joined));
}

export function isMerged(m: ChatMessage | undefined): boolean {
  return Array.isArray(m?.mergeOf);
}

/** An answer that can be merged: finished or stopped with some text. */
export function mergeable(m: ChatMessage | undefined): m is ChatMessage {
  if (m === undefined || storedString(m.role) !== 'assistant' || isMerged(m)) return false;
  const status = storedString(m.status);
  return (status === 'done' || status === 'stopped') && storedString(m.content).trim() !== '';
}

/** The merged answers of the turn answering `parentId`, oldest first. */
export function mergedAnswers(messages: Messages, parentId: string): string[] {
  const parent = messages[parentId];
  if (!parent) return [];
  return [...new Set(parent.childrenIds.map(storedString))].filter((id) => isMerged(messages[id]));
}

/**
 * What the merging model is sent: one user message, the prompt holding the question and the
 * answers (as Open WebUI sends it, without the rest of the conversation). Answers that are
 * gone or no longer usable (retried meanwhile and failed) are left out.
 */
export function mergeRequestMessage(messages: Messages, merged: ChatMessage): PlainMessage | null {
  const parentId = parentOf(merged);
  const question = parentId === null ? undefined : messages[parentId];
  if (!question || !merged.mergeOf) return null;
  const responses = merged.mergeOf.map((id) => messages[storedString(id)]).filter(mergeable).map((m) => storedString(m.content));
  return {
    id: `${storedString(merged.id)}:merge-request`,
    parentId: null,
    childrenIds: [],
    role: 'user',
    content: mergePrompt(storedString(question.content), responses),
    model: null,
    thinking: '',
    images: [],
    timestamp: merged.timestamp,
    status: 'done',
    error: null,
    stats: {},
  };
}

/**
 * Add a merged answer (inside a change). It becomes the selected answer when the branch ends at
 * this turn or goes through one of its merged answers (a new merge of the one continued from);
 * otherwise the branch stays, so later turns are not hidden.
 */
export function addMerged(d: ConversationDoc, answer: PlainMessage): void {
  const current = storedOrNull(d.currentId);
  const onBranch = branchPath(d.messages, current).find((m) => parentOf(m) === answer.parentId && storedString(m.role) === 'assistant');
  const select = onBranch !== undefined && (storedString(onBranch.id) === current || isMerged(onBranch));
  addMessage(d, answer);
  if (!select) selectLeaf(d, current);
}

/**
 * True when the visible branch goes through another answer of the merged answer's turn:
 * redoing it (retry, continue) must then leave the branch where it is.
 */
export function mergedOffBranch(messages: Messages, currentId: string | null, id: string): boolean {
  const m = messages[id];
  const parentId = m ? parentOf(m) : null;
  if (parentId === null) return false;
  const selected = branchPath(messages, currentId).find((x) => parentOf(x) === parentId && storedString(x.role) === 'assistant');
  return selected !== undefined && storedString(selected.id) !== id;
}
