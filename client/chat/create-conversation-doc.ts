import { createMemo, createResource, type Accessor } from 'solid-js';
import type { Repo } from '@automerge/automerge-repo';
import type { ConversationDoc } from '../../shared/schema/conversation.ts';
import { openDoc, type Opened } from '../repo/open-doc.ts';
import { createDocStore, type DocStore } from '../store/create-doc-store.ts';

/*
 * Opens a conversation and keeps a reactive store of it. Unlike a preset, a conversation is
 * often opened right after another device created it (its index entry synced first): while
 * the document is "unavailable" keep asking, as the workspace provider does.
 */

const RETRY_MS = 1500;

export interface ConversationDocState {
  store: Accessor<DocStore<ConversationDoc> | undefined>;
  readOnly: Accessor<boolean>;
  /** set when the document is not a readable conversation */
  problem: Accessor<string | null>;
}

/**
 * `beforeOpen` runs first and is awaited: the chat shows a saved view of the conversation
 * there, and loading a long document would block the main thread before that view is painted.
 */
export function createConversationDoc(
  repo: Repo,
  url: Accessor<string | undefined>,
  beforeOpen?: (url: string) => Promise<void>,
  /** the URL to open instead (a moved conversation: client/chat/move-conversation.ts) */
  settle?: (url: string) => Promise<string>,
): ConversationDocState {
  // Settling may point the entry at the document it settled on (a moved conversation). That
  // happens inside `settle`, so this resource runs again for the new URL while the first run is
  // still pending: the second run opens the same document (its handle already ready) and Solid
  // drops the first run's result. A later change of the entry (this copy lost a concurrent move:
  // the winner) opens the winner; what is written meanwhile into the copy shown is carried over.
  const [opened] = createResource(url, async (u): Promise<Opened<ConversationDoc>> => {
    await beforeOpen?.(u);
    const target = settle ? await settle(u) : u;
    for (;;) {
      const o = await openDoc<ConversationDoc>(repo, target, 'atelier/conversation');
      if (o.status !== 'unavailable' || url() !== u) return o;
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  });
  const current = () => (opened.state === 'ready' ? opened() : undefined);
  const store = createMemo<DocStore<ConversationDoc> | undefined>(() => {
    const o = current();
    return o && (o.status === 'ok' || o.status === 'newer') && url() ? createDocStore(o.handle) : undefined;
  });
  return {
    store,
    readOnly: () => current()?.status === 'newer',
    problem: () => {
      const o = current();
      return o && o.status === 'invalid' ? o.message : null;
    },
  };
}
