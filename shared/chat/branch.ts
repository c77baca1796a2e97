import type { ChatMessage, ConversationDoc } from '../schema/conversation.ts';
import { addMessage, deepestLeaf } from './tree.ts';

/*
 * Branch operations on a conversation (inside an Automerge change). Every alternative is kept
 * in the tree; these only add messages and move the selected leaf.
 */

/** Show the branch through `id`: select the deepest leaf below it (where that branch went on). */
export function selectBranch(d: ConversationDoc, id: string): void {
  if (!d.messages[id]) return;
  const leaf = deepestLeaf(d.messages, id);
  if (d.currentId !== leaf) d.currentId = leaf;
}

/**
 * A user message and the answers it asks for (one per model). The first model's answer is
 * selected: with several models, the person then picks the one to continue from.
 */
export function addTurn(d: ConversationDoc, user: ChatMessage, answers: ChatMessage[]): void {
  addMessage(d, user);
  for (const a of answers) addMessage(d, a);
  d.currentId = answers[0]?.id ?? user.id;
}

/** Another answer to the same user message (regenerate): a sibling, selected. */
export function addRegeneration(d: ConversationDoc, answer: ChatMessage): void {
  addMessage(d, answer);
}

/**
 * An edited user message: a sibling of the original (same parent, a new branch), with the
 * answers it asks for. The original and its answers stay reachable with the arrows.
 */
export function addEditedTurn(d: ConversationDoc, editedId: string, user: ChatMessage, answers: ChatMessage[]): void {
  const original = d.messages[editedId];
  if (!original) return;
  addTurn(d, { ...user, parentId: original.parentId }, answers);
}
