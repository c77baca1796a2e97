import { storableMessage, type ChatMessage, type ConversationDoc, type PlainMessage } from '../schema/conversation.ts';
import { immutable, storedOrNull, storedString } from '../schema/stored-string.ts';

/*
 * The message tree of a conversation, in Open WebUI's history shape: each message names
 * its parent and lists its children (answers by several models, regenerations, edits).
 * The visible branch is the path from a root to the selected leaf (`currentId`).
 *
 * Reads are defensive: a tree synced from several devices may briefly reference a
 * message that has not arrived yet, or list a child twice; those are skipped, and cycles
 * cannot loop.
 *
 * Every function here takes a raw document's messages (short fields in either stored form:
 * compared through `storedString`) as well as a UI store's plain ones; ids they return are
 * plain strings.
 */

export type Messages = Readonly<Record<string, ChatMessage>>;

function childIds(messages: Messages, m: ChatMessage): string[] {
  const out: string[] = [];
  for (const stored of m.childrenIds) {
    const id = storedString(stored);
    if (messages[id] && !out.includes(id)) out.push(id);
  }
  return out;
}

/** The message's parent id, a plain string (null for a root). */
export function parentOf(m: Pick<ChatMessage, 'parentId'>): string | null {
  return storedOrNull(m.parentId);
}

/** The messages from the root down to `leafId`, root first. Empty when leafId is unknown. */
export function branchPath(messages: Messages, leafId: string | null): ChatMessage[] {
  const path: ChatMessage[] = [];
  const seen = new Set<string>();
  let id = leafId;
  while (id !== null && !seen.has(id)) {
    const m = messages[id];
    if (!m) break;
    seen.add(id);
    path.push(m);
    id = parentOf(m);
  }
  return path.reverse();
}

function rootIds(messages: Messages): string[] {
  return Object.values(messages)
    .filter((m) => {
      const p = parentOf(m);
      return p === null || !messages[p];
    })
    .map((m) => ({ id: storedString(m.id), t: m.timestamp }))
    .sort((a, b) => a.t - b.t || a.id.localeCompare(b.id))
    .map((m) => m.id);
}

/** The message and its alternatives (same parent), in order, and its position among them. */
export function siblings(messages: Messages, id: string): { ids: string[]; index: number } {
  const m = messages[id];
  if (!m) return { ids: [], index: -1 };
  const parentId = parentOf(m);
  const parent = parentId === null ? undefined : messages[parentId];
  const ids = parent ? childIds(messages, parent) : rootIds(messages);
  if (!ids.includes(id)) ids.push(id);
  return { ids, index: ids.indexOf(id) };
}

/** Follow the last child from `id` down to a leaf (where the branch continues when switching to `id`). */
export function deepestLeaf(messages: Messages, id: string): string {
  const seen = new Set<string>([id]);
  let current = id;
  for (;;) {
    const m = messages[current];
    if (!m) return current;
    const next = childIds(messages, m).at(-1);
    if (next === undefined || seen.has(next)) return current;
    seen.add(next);
    current = next;
  }
}

/**
 * Add a message (inside an Automerge change): store it in its stored form (storableMessage),
 * append it to its parent's children, select it. Touches only these fields, so concurrent
 * additions merge.
 */
export function addMessage(d: ConversationDoc, msg: PlainMessage | ChatMessage): void {
  const id = storedString(msg.id);
  const parentId = parentOf(msg);
  d.messages[id] = storableMessage(msg);
  if (parentId !== null) {
    const parent = d.messages[parentId];
    if (parent && !parent.childrenIds.some((c) => storedString(c) === id)) parent.childrenIds.push(immutable(id));
  }
  selectLeaf(d, id);
}

/** Select `id` (inside a change) as one value; nothing written when it is already selected. */
export function selectLeaf(d: ConversationDoc, id: string | null): void {
  if (storedOrNull(d.currentId) === id) return;
  d.currentId = id === null ? null : immutable(id);
}

/** An answer worth showing to a model again: finished (or stopped), not failed or still streaming. */
function usableAnswer(m: ChatMessage): boolean {
  const status = storedString(m.status);
  return status !== 'error' && status !== 'streaming';
}

export type ContextMode = 'selected' | { ownThreadModel: string };

/**
 * In a turn several models answered, the answer to continue from instead of `id` when `id`
 * failed: the latest finished answer of another model, if any. Else `id`.
 */
export function usableStandIn(messages: Messages, id: string): string {
  const m = messages[id];
  const parentId = m ? parentOf(m) : null;
  if (!m || storedString(m.role) !== 'assistant' || usableAnswer(m) || parentId === null) return id;
  const models = messages[parentId]?.models;
  if (!Array.isArray(models) || new Set(models.map(storedString)).size < 2) return id;
  const model = storedOrNull(m.model);
  const other = siblings(messages, id)
    .ids.map((s) => messages[s]!)
    // a merged answer (mergeOf) stands in for none, and any model's answer stands in for it
    .filter((s) => storedString(s.role) === 'assistant' && !s.mergeOf && (storedOrNull(s.model) !== model || m.mergeOf !== undefined) && usableAnswer(s) && storedString(s.content) !== '')
    .at(-1);
  return other ? storedString(other.id) : id;
}

/**
 * The messages a model should see to answer after `leafId`, oldest first.
 * - 'selected': the visible branch (a failed answer of a turn several models answered
 *   replaced by another model's answer that succeeded, see usableStandIn).
 * - own thread: the visible branch, but after each user turn the answer comes from
 *   `ownThreadModel` when that model answered it (its latest answer), else the selected one.
 * Failed or still-streaming answers are left out.
 */
export function contextFor(messages: Messages, leafId: string | null, mode: ContextMode): ChatMessage[] {
  const path = branchPath(messages, leafId);
  const out: ChatMessage[] = [];
  for (const m of path) {
    const id = storedString(m.id);
    const assistant = storedString(m.role) === 'assistant';
    let chosen = assistant ? messages[usableStandIn(messages, id)]! : m;
    if (mode !== 'selected' && assistant && (storedOrNull(m.model) !== mode.ownThreadModel || m.mergeOf !== undefined)) {
      const own = siblings(messages, id)
        .ids.map((s) => messages[s]!)
        .filter((s) => storedString(s.role) === 'assistant' && !s.mergeOf && storedOrNull(s.model) === mode.ownThreadModel && usableAnswer(s))
        .at(-1);
      if (own) chosen = own;
    }
    if (storedString(chosen.role) === 'assistant' && !usableAnswer(chosen)) continue;
    out.push(chosen);
  }
  return out;
}

