import { createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { DocHandleChangePayload, Repo } from '@automerge/automerge-repo';
import { entryState, markKept, moveToTrash, setEntryTitle, storedString, type ConversationEntry, type WorkspaceDoc } from '../../shared/schema/index.ts';
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
  /** the document's own entry when the list was made (strings may be ImmutableStrings: read live fields from the store) */
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

// Entries are frozen snapshots that Automerge shares between versions of the document, so a
// title is normalized once, not on every keystroke or change for all 5,000.
const normalizedTitles = new WeakMap<ConversationEntry, string>();

function normalizedTitle(entry: ConversationEntry, untitled: string): string {
  const title = storedString(entry.title);
  if (!title) return normalize(untitled);
  let n = normalizedTitles.get(entry);
  if (n === undefined) {
    n = normalize(title);
    if (Object.isFrozen(entry)) normalizedTitles.set(entry, n);
  }
  return n;
}

export function filterConversations(items: ConversationItem[], query: string, untitled: string): ConversationItem[] {
  const q = normalize(query.trim());
  if (!q) return items;
  return items.filter((i) => normalizedTitle(i.entry, untitled).includes(q));
}

export function createConversationIndex(workspace: Accessor<DocStore<WorkspaceDoc> | undefined>, state: 'live' | 'trash' = 'live') {
  // Read from the document's frozen snapshot, not the store: walking 5,000 entries through store
  // proxies (one subscription per field) and sorting them took ~40 ms on every change to any
  // entry, e.g. when an answer starts or ends. Plain reads and a sort take a few ms, and only a
  // change under `conversations` runs this again.
  const source = createMemo(() => {
    const ws = workspace();
    if (!ws) return undefined;
    const [version, setVersion] = createSignal(0);
    const onChange = ({ patches }: DocHandleChangePayload<WorkspaceDoc>) => {
      if (patches.some((p) => p.path[0] === 'conversations')) setVersion((v) => v + 1);
    };
    ws.handle.on('change', onChange);
    onCleanup(() => ws.handle.off('change', onChange));
    return { handle: ws.handle, version };
  });
  return createMemo<ConversationItem[]>(() => {
    const s = source();
    if (!s) return [];
    s.version();
    const all = s.handle.doc()?.conversations ?? {};
    const items: ConversationItem[] = [];
    for (const id in all) {
      const entry = all[id];
      if (entry && entryState(entry) === state) items.push({ id, entry });
    }
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
    if (!e) return;
    setEntryTitle(e, clean);
    // a rename is an edit: a purge made elsewhere without seeing it does not hold
    markKept(e);
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
