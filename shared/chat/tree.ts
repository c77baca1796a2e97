import type { ChatMessage, ConversationDoc } from '../schema/conversation.ts';

/*
 * The message tree of a conversation, in Open WebUI's history shape: each message names
 * its parent and lists its children (answers by several models, regenerations, edits).
 * The visible branch is the path from a root to the selected leaf (`currentId`).
 *
 * Reads are defensive: a tree synced from several devices may briefly reference a
 * message that has not arrived yet, or list a child twice; those are skipped, and cycles
 * cannot loop.
 */

export type Messages = Readonly<Record<string, ChatMessage>>;

function childIds(messages: Messages, m: ChatMessage): string[] {
  const out: string[] = [];
  for (const id of m.childrenIds) if (messages[id] && !out.includes(id)) out.push(id);
  return out;
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
    id = m.parentId;
  }
  return path.reverse();
}

function rootIds(messages: Messages): string[] {
  return Object.values(messages)
    .filter((m) => m.parentId === null || !messages[m.parentId])
    .sort((a, b) => a.timestamp - b.timestamp || a.id.localeCompare(b.id))
    .map((m) => m.id);
}

/** The message and its alternatives (same parent), in order, and its position among them. */
export function siblings(messages: Messages, id: string): { ids: string[]; index: number } {
  const m = messages[id];
  if (!m) return { ids: [], index: -1 };
  const parent = m.parentId === null ? undefined : messages[m.parentId];
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
 * Add a message (inside an Automerge change): store it, append it to its parent's
 * children, select it. Touches only these fields, so concurrent additions merge.
 */
export function addMessage(d: ConversationDoc, msg: ChatMessage): void {
  d.messages[msg.id] = {
    ...msg,
    childrenIds: [...msg.childrenIds],
    images: [...msg.images],
    stats: { ...msg.stats },
  };
  if (msg.parentId !== null) {
    const parent = d.messages[msg.parentId];
    if (parent && !parent.childrenIds.includes(msg.id)) parent.childrenIds.push(msg.id);
  }
  d.currentId = msg.id;
}

/** An answer worth showing to a model again: finished (or stopped), not failed or still streaming. */
function usableAnswer(m: ChatMessage): boolean {
  return m.status !== 'error' && m.status !== 'streaming';
}

export type ContextMode = 'selected' | { ownThreadModel: string };

/**
 * In a turn several models answered, the answer to continue from instead of `id` when `id`
 * failed: the latest finished answer of another model, if any. Else `id`.
 */
export function usableStandIn(messages: Messages, id: string): string {
  const m = messages[id];
  if (!m || m.role !== 'assistant' || usableAnswer(m) || m.parentId === null) return id;
  const models = messages[m.parentId]?.models;
  if (!Array.isArray(models) || new Set(models).size < 2) return id;
  const other = siblings(messages, id)
    .ids.map((s) => messages[s]!)
    // a merged answer (mergeOf) stands in for none, and any model's answer stands in for it
    .filter((s) => s.role === 'assistant' && !s.mergeOf && (s.model !== m.model || m.mergeOf !== undefined) && usableAnswer(s) && s.content !== '')
    .at(-1);
  return other?.id ?? id;
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
    let chosen = m.role === 'assistant' ? messages[usableStandIn(messages, m.id)]! : m;
    if (mode !== 'selected' && m.role === 'assistant' && (m.model !== mode.ownThreadModel || m.mergeOf !== undefined)) {
      const own = siblings(messages, m.id)
        .ids.map((id) => messages[id]!)
        .filter((s) => s.role === 'assistant' && !s.mergeOf && s.model === mode.ownThreadModel && usableAnswer(s))
        .at(-1);
      if (own) chosen = own;
    }
    if (chosen.role === 'assistant' && !usableAnswer(chosen)) continue;
    out.push(chosen);
  }
  return out;
}

