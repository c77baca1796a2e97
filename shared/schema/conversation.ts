import { KIND, SCHEMA } from './kinds.ts';

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';
export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';

/** One node of the message tree, in Open WebUI's chat history shape (parentId / childrenIds). */
export type ChatMessage = {
  id: string;
  parentId: string | null;
  childrenIds: string[];
  role: ChatRole;
  /** collaborative text for user messages; streamed text for answers */
  content: string;
  /** model reference that produced (or was asked for) this answer */
  model: string | null;
  thinking: string;
  /** automerge URLs of blob documents */
  images: string[];
  timestamp: number;
  status: MessageStatus;
  error: string | null;
  /** tokens per second etc., from Ollama's final line */
  stats: Record<string, number>;
};

export type ConversationDoc = {
  schema: number;
  kind: typeof KIND.conversation;
  id: string;
  title: string;
  createdAt: number;
  messages: Record<string, ChatMessage>;
  /** the selected leaf: the visible branch is the path from the root to it */
  currentId: string | null;
  /** models selected for the next turn */
  models: string[];
};

export function initialConversation(id: string, title: string, models: string[], now = Date.now()): ConversationDoc {
  return {
    schema: SCHEMA.conversation,
    kind: KIND.conversation,
    id,
    title,
    createdAt: now,
    messages: {},
    currentId: null,
    models,
  };
}
