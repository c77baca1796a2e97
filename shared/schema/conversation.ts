import * as v from 'valibot';
import { KIND, SCHEMA } from './kinds.ts';
import { immutable, plainValue, storedPicklist, storedStringSchema, type Plain } from './stored-string.ts';
import { looseAs } from './loose.ts';

/*
 * The conversation document: its valibot schema (ConversationSchema, MessageSchema) is the one
 * list of its fields; the types below are inferred from it and `checkDoc` validates with it.
 * `v.object` lets unknown keys pass (a newer device may add fields; checkDoc keeps the document
 * as it is).
 */

export const CHAT_ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export const ChatRoleSchema = v.picklist(CHAT_ROLES);
export type ChatRole = v.InferOutput<typeof ChatRoleSchema>;
export const MESSAGE_STATUSES = ['streaming', 'done', 'stopped', 'error', 'interrupted'] as const;
export const MessageStatusSchema = v.picklist(MESSAGE_STATUSES);
export type MessageStatus = v.InferOutput<typeof MessageStatusSchema>;

/**
 * A failed answer's diagnosis (shared/ollama/diagnose.ts `Diagnosis`), stored structured so
 * every device shows it in its own language. Kept loose here: a newer device may add codes,
 * with fields of their own (readers check the code: client/chat/AnswerView.tsx).
 */
export const MessageDiagnosisSchema = v.looseObject({ code: v.string() });
export type MessageDiagnosis = v.InferOutput<typeof MessageDiagnosisSchema>;

/** A file attached to a user message: its extracted text (one ImmutableString value), not its bytes. */
export const MessageFileSchema = v.object({
  name: v.string(),
  /** MIME type of the original file */
  type: v.string(),
  /** bytes of the original file */
  size: v.number(),
  text: storedStringSchema,
});
export type MessageFile = v.InferOutput<typeof MessageFileSchema>;

/** One passage given to the model (`<source id="n">`). */
export const MessageSourceSchema = v.object({
  n: v.number(),
  /** the document's name */
  name: v.string(),
  /** automerge URL of the knowledge document, '' when unknown */
  url: v.string(),
  text: v.string(),
});
export type MessageSource = v.InferOutput<typeof MessageSourceSchema>;

/** One tool call of an answer: what the model asked and what Atelier answered. */
export const MessageToolCallSchema = v.object({
  name: v.string(),
  /** JSON text of the arguments */
  arguments: v.string(),
  result: v.string(),
  error: v.boolean(),
});
export type MessageToolCall = v.InferOutput<typeof MessageToolCallSchema>;

/**
 * One node of the message tree, in Open WebUI's chat history shape (parentId / childrenIds).
 *
 * Short string fields (`id`, `parentId`, `childrenIds` and `models` entries, `role`, `status`,
 * `model`, `writer`) are written as one ImmutableString each since conversation schema 3
 * (`storableMessage`): as plain JS strings they were collaborative text, one operation per
 * character, most of a long conversation's operations and so of its load time. Messages written
 * before hold plain strings and history keeps them: every reader of a raw document compares
 * these fields through `storedString` (a UI store holds plain strings already: `Plain<T>`).
 */
export const MessageSchema = v.object({
  id: storedStringSchema,
  parentId: v.nullable(storedStringSchema),
  childrenIds: v.array(storedStringSchema),
  role: storedPicklist(CHAT_ROLES),
  /**
   * One value (ImmutableString): a user message as sent, an answer at sparse checkpoints while
   * it streams (schema 2). Messages written before are text. Read with `storedString` (or from a
   * UI store, where it is a plain string).
   */
  content: storedStringSchema,
  /** model reference that produced (or was asked for) this answer */
  model: v.nullable(storedStringSchema),
  /** as `content` */
  thinking: storedStringSchema,
  /** automerge URLs of blob documents */
  images: v.array(v.string()),
  timestamp: v.number(),
  status: storedPicklist(MESSAGE_STATUSES),
  error: v.nullable(v.string()),
  /** tokens per second etc., from Ollama's final line */
  stats: v.record(v.string(), v.number()),
  /*
   * Optional fields, added after schema 1 without a bump: documents written before simply
   * lack them, and readers treat a missing one as "unknown". Never store `undefined`
   * (Automerge refuses it): leave the key out instead. Each has had its shape since it was
   * added and every writer writes it whole, so validation checks it (except `files`, below).
   */
  /** user messages: the models this message was sent to (Open WebUI's `models`); two or more = answers side by side */
  models: v.optional(v.array(storedStringSchema)),
  /** answers: when the writer last touched it (a heartbeat while streaming), on the writer's clock */
  updatedAt: v.optional(v.number()),
  /** answers: the tab that writes it while it streams, to tell a live writer from a vanished one */
  writer: v.optional(storedStringSchema),
  /** failed answers: what went wrong, for the person */
  diagnosis: v.optional(v.nullable(MessageDiagnosisSchema)),
  /** answers: the passages retrieved from the preset's documents, numbered as the model saw them */
  sources: v.optional(v.array(MessageSourceSchema)),
  /** answers: the tool calls made while writing it, with their results */
  toolCalls: v.optional(v.array(MessageToolCallSchema)),
  /** answers: pictures of earlier messages (blob URLs) left out of its request, the model not reading images */
  imagesLeftOut: v.optional(v.array(v.string())),
  /** merged answers: the answers of the turn it combines (shared/chat/merge.ts); its model wrote it */
  mergeOf: v.optional(v.array(v.string())),
  /**
   * user messages: text files and PDFs attached, their extracted text sent with the message. Not
   * validated: its readers (filesOf, shared/chat/attachments.ts) keep only well-formed files,
   * so a conversation is never refused over one.
   */
  files: v.optional(looseAs(v.array(MessageFileSchema))),
});
/** A message as a document holds it (either form of each short field). */
export type ChatMessage = v.InferOutput<typeof MessageSchema>;
/** A message as code builds it (factories, imports) and a UI store holds it: plain strings. */
export type PlainMessage = Plain<ChatMessage>;

/** Where the title came from: the first message, the model's proposal, or the person (never overwritten). */
export const TitleSourceSchema = v.picklist(['message', 'model', 'user']);
export type TitleSource = v.InferOutput<typeof TitleSourceSchema>;

export const ConversationSchema = v.object({
  schema: v.number(),
  kind: v.literal(KIND.conversation),
  id: v.string(),
  title: v.string(),
  createdAt: v.number(),
  messages: v.record(v.string(), MessageSchema),
  /** the selected leaf: the visible branch is the path from the root to it (one value since schema 3) */
  currentId: v.nullable(storedStringSchema),
  /** models selected for the next turn (entries one value each since schema 3) */
  models: v.array(storedStringSchema),
  /** optional (added after schema 1); missing = 'message' */
  titleSource: v.optional(TitleSourceSchema),
});
export type ConversationDoc = v.InferOutput<typeof ConversationSchema>;

export function initialConversation(id: string, title: string, models: string[], now = Date.now()): ConversationDoc {
  return {
    schema: SCHEMA.conversation,
    kind: KIND.conversation,
    id,
    title,
    createdAt: now,
    messages: {},
    currentId: null,
    models: models.map((m) => immutable(m)),
  };
}

function wellFormedFile(f: unknown): f is MessageFile {
  if (typeof f !== 'object' || f === null) return false;
  const text = (f as { text?: unknown }).text;
  return typeof text === 'string' || (typeof text === 'object' && text !== null && typeof (text as { val?: unknown }).val === 'string');
}

/**
 * A message in its stored form (schema 3): every short field, and the text, one ImmutableString
 * value; lists and maps copied (a document must not share them with the caller). Takes either
 * form, so a message read from one document can be written into another. Optional fields that
 * are absent stay absent (Automerge refuses `undefined`).
 */
export function storableMessage(m: PlainMessage | ChatMessage): ChatMessage {
  const out: ChatMessage = {
    id: immutable(m.id),
    parentId: m.parentId === null ? null : immutable(m.parentId),
    childrenIds: m.childrenIds.map((c) => immutable(c)),
    role: immutable(m.role),
    content: immutable(m.content),
    model: m.model === null ? null : immutable(m.model),
    thinking: immutable(m.thinking),
    images: [...m.images],
    timestamp: m.timestamp,
    status: immutable(m.status),
    error: m.error,
    stats: { ...m.stats },
  };
  if (m.models !== undefined) out.models = m.models.map((x) => immutable(x));
  if (m.updatedAt !== undefined) out.updatedAt = m.updatedAt;
  if (m.writer !== undefined) out.writer = immutable(m.writer);
  if (m.diagnosis !== undefined) out.diagnosis = plainValue(m.diagnosis);
  if (m.sources !== undefined) out.sources = plainValue(m.sources);
  if (m.toolCalls !== undefined) out.toolCalls = plainValue(m.toolCalls);
  if (m.imagesLeftOut !== undefined) out.imagesLeftOut = [...m.imagesLeftOut];
  if (m.mergeOf !== undefined) out.mergeOf = [...m.mergeOf];
  // files are not validated (see above): a malformed one is copied as it is, never dropped
  if (m.files !== undefined) out.files = (m.files as readonly unknown[]).map((f) => (wellFormedFile(f) ? { ...plainValue(f), text: immutable(f.text) } : (plainValue(f) as MessageFile)));
  return out;
}
