import { createMemo, type Accessor } from 'solid-js';
import type { Repo } from '@automerge/automerge-repo';
import { entryState, moveToTrash, type ConversationEntry, type WorkspaceDoc } from '../../shared/schema/index.ts';
import type { ConversationDoc } from '../../shared/schema/conversation.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import { openDoc } from '../repo/open-doc.ts';

/*
 * The conversations of the workspace index, for the sidebar: live ones, pinned first, then
 * newest first, filtered by a search on titles. Renames, pins and deletes touch only the
 * fields they change (the index is shared by every device).
 */

export interface ConversationItem {
  id: string;
  entry: ConversationEntry;
}

function normalize(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

export function sortConversations(items: ConversationItem[]): ConversationItem[] {
  return [...items].sort(
    (a, b) => Number(b.entry.pinned) - Number(a.entry.pinned) || b.entry.updatedAt - a.entry.updatedAt || a.id.localeCompare(b.id),
  );
}

export function filterConversations(items: ConversationItem[], query: string, untitled: string): ConversationItem[] {
  const q = normalize(query.trim());
  if (!q) return items;
  return items.filter((i) => normalize(i.entry.title || untitled).includes(q));
}

export function createConversationIndex(workspace: Accessor<DocStore<WorkspaceDoc> | undefined>, state: 'live' | 'trash' = 'live') {
  return createMemo<ConversationItem[]>(() => {
    const all = workspace()?.doc.conversations ?? {};
    const items: ConversationItem[] = [];
    for (const [id, entry] of Object.entries(all)) if (entry && entryState(entry) === state) items.push({ id, entry });
    return sortConversations(items);
  });
}

/** A title typed by the person: in the index and in the conversation, and never replaced by a proposed one. */
export async function renameConversation(repo: Repo, workspace: DocStore<WorkspaceDoc>, id: string, title: string): Promise<void> {
  const entry = workspace.doc.conversations[id];
  if (!entry) return;
  const clean = title.trim().replace(/\s+/g, ' ');
  workspace.change((d) => {
    const e = d.conversations[id];
    if (e && e.title !== clean) e.title = clean;
  });
  const opened = await openDoc<ConversationDoc>(repo, entry.url, 'atelier/conversation');
  if (opened.status === 'ok') {
    opened.handle.change((d) => {
      if (d.title !== clean) d.title = clean;
      d.titleSource = 'user';
    });
  }
}

export function setPinned(workspace: DocStore<WorkspaceDoc>, id: string, pinned: boolean): void {
  workspace.change((d) => {
    const e = d.conversations[id];
    if (e && e.pinned !== pinned) e.pinned = pinned;
  });
}

export function trashConversation(workspace: DocStore<WorkspaceDoc>, id: string): void {
  workspace.change((d) => moveToTrash(d.conversations[id]));
}
