import { KIND, SCHEMA } from './kinds.ts';
import type { StoredString } from './stored-string.ts';

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';
export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';

/**
 * A failed answer's diagnosis (shared/ollama/diagnose.ts `Diagnosis`), stored structured so
 * every device shows it in its own language. Kept loose here: a newer device may add codes.
 */
export type MessageDiagnosis = { code: string } & Record<string, string | number | boolean>;

/** One node of the message tree, in Open WebUI's chat history shape (parentId / childrenIds). */
export type ChatMessage = {
  id: string;
  parentId: string | null;
  childrenIds: string[];
  role: ChatRole;
  /**
   * One value (ImmutableString): a user message as sent, an answer at sparse checkpoints while
   * it streams (schema 2). Messages written before are text. Read with `storedString` (or from a
   * UI store, where it is a plain string).
   */
  content: StoredString;
  /** model reference that produced (or was asked for) this answer */
  model: string | null;
  /** as `content` */
  thinking: StoredString;
  /** automerge URLs of blob documents */
  images: string[];
  timestamp: number;
  status: MessageStatus;
  error: string | null;
  /** tokens per second etc., from Ollama's final line */
  stats: Record<string, number>;
  /*
   * Optional fields, added after schema 1 without a bump: documents written before simply
   * lack them, and readers treat a missing one as "unknown". Never store `undefined`
   * (Automerge refuses it): leave the key out instead.
   */
  /** user messages: the models this message was sent to (Open WebUI's `models`); two or more = answers side by side */
  models?: string[];
  /** answers: when the writer last touched it (a heartbeat while streaming), on the writer's clock */
  updatedAt?: number;
  /** answers: the tab that writes it while it streams, to tell a live writer from a vanished one */
  writer?: string;
  /** failed answers: what went wrong, for the person */
  diagnosis?: MessageDiagnosis | null;
  /** answers: the passages retrieved from the preset's documents, numbered as the model saw them */
  sources?: MessageSource[];
  /** answers: the tool calls made while writing it, with their results */
  toolCalls?: MessageToolCall[];
  /** answers: pictures of earlier messages (blob URLs) left out of its request, the model not reading images */
  imagesLeftOut?: string[];
  /** merged answers: the answers of the turn it combines (shared/chat/merge.ts); its model wrote it */
  mergeOf?: string[];
  /** user messages: text files and PDFs attached, their extracted text sent with the message */
  files?: MessageFile[];
};

/** A file attached to a user message: its extracted text (one ImmutableString value), not its bytes. */
export type MessageFile = {
  name: string;
  /** MIME type of the original file */
  type: string;
  /** bytes of the original file */
  size: number;
  text: StoredString;
};

/** One passage given to the model (`<source id="n">`). */
export type MessageSource = {
  n: number;
  /** the document's name */
  name: string;
  /** automerge URL of the knowledge document, '' when unknown */
  url: string;
  text: string;
};

/** One tool call of an answer: what the model asked and what Atelier answered. */
export type MessageToolCall = {
  name: string;
  /** JSON text of the arguments */
  arguments: string;
  result: string;
  error: boolean;
};

/** Where the title came from: the first message, the model's proposal, or the person (never overwritten). */
export type TitleSource = 'message' | 'model' | 'user';

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
  /** optional (added after schema 1); missing = 'message' */
  titleSource?: TitleSource;
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
