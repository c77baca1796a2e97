import type { ConversationDoc, PlainMessage } from '../schema/conversation.ts';
import { storedOrNull, storedString } from '../schema/stored-string.ts';
import { addMessage, branchPath, deepestLeaf, parentOf, selectLeaf, type Messages } from './tree.ts';
import { isMultiModelTurn } from './turns.ts';

/*
 * Branch operations on a conversation (inside an Automerge change). Every alternative is kept
 * in the tree; these only add messages and move the selected leaf.
 */

/** Show the branch through `id`: select the deepest leaf below it (where that branch went on). */
export function selectBranch(d: ConversationDoc, id: string): void {
  if (!d.messages[id]) return;
  selectLeaf(d, deepestLeaf(d.messages, id));
}

/**
 * A user message and the answers it asks for (one per model). The first model's answer is
 * selected: with several models, the person then picks the one to continue from.
 */
export function addTurn(d: ConversationDoc, user: PlainMessage, answers: PlainMessage[]): void {
  addMessage(d, user);
  for (const a of answers) addMessage(d, a);
  selectLeaf(d, answers[0]?.id ?? user.id);
}

/**
 * True for an answer of `model` to `parentId` in a turn several models answered when the visible
 * branch goes through another model's answer: its column is not the one the conversation
 * continues from (or through the turn's merged answer), so redoing it must not move the branch
 * (and hide the turns after it).
 */
export function inOtherColumn(messages: Messages, currentId: string | null, parentId: string | null, model: string | null): boolean {
  if (parentId === null || !isMultiModelTurn(messages, parentId)) return false;
  const selected = branchPath(messages, currentId).find((m) => parentOf(m) === parentId && storedString(m.role) === 'assistant');
  // a merged answer (merge.ts) is no model's column, whichever model wrote it
  return selected !== undefined && (storedOrNull(selected.model) !== model || selected.mergeOf !== undefined);
}

/**
 * Another answer to the same user message (regenerate): a sibling, selected, unless it is in
 * another model's column than the one the conversation continues from (inOtherColumn).
 */
export function addRegeneration(d: ConversationDoc, answer: PlainMessage): void {
  const current = storedOrNull(d.currentId);
  const stay = inOtherColumn(d.messages, current, answer.parentId, answer.model);
  addMessage(d, answer);
  if (stay) selectLeaf(d, current);
}

/**
 * An edited user message: a sibling of the original (same parent, a new branch), with the
 * answers it asks for. The original and its answers stay reachable with the arrows.
 */
export function addEditedTurn(d: ConversationDoc, editedId: string, user: PlainMessage, answers: PlainMessage[]): void {
  const original = d.messages[editedId];
  if (!original) return;
  addTurn(d, { ...user, parentId: parentOf(original) }, answers);
}
