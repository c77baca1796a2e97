import type { ChatMessage, MessageDiagnosis, MessageStatus, PlainMessage } from '../schema/conversation.ts';
import { immutable, storedString } from '../schema/stored-string.ts';

/*
 * Factories and mutators for the messages of a conversation. The factories build plain messages
 * (their ids usable as strings by the caller); `addMessage` (tree.ts) stores them in their
 * stored form (`storableMessage`: short fields and text one ImmutableString each). The mutators
 * run inside an Automerge change (or on a plain object in tests), write one value per field and
 * touch only the fields they must, so a device that streams an answer and another that selects
 * a branch never overwrite each other.
 */

export function userMessage(f: {
  id: string;
  parentId: string | null;
  content: string;
  images?: string[];
  models: string[];
  now: number;
}): PlainMessage {
  return {
    id: f.id,
    parentId: f.parentId,
    childrenIds: [],
    role: 'user',
    // stored as one value: a sent message is never edited in place (an edit sends a sibling),
    // and text would cost one operation per character to every load of the conversation
    content: f.content,
    model: null,
    thinking: '',
    images: [...(f.images ?? [])],
    timestamp: f.now,
    status: 'done',
    error: null,
    stats: {},
    models: [...f.models],
  };
}

/** An empty answer about to stream, owned by `writer` (a tab). */
export function answerPlaceholder(f: { id: string; parentId: string; model: string; writer: string; now: number }): PlainMessage {
  return {
    id: f.id,
    parentId: f.parentId,
    childrenIds: [],
    role: 'assistant',
    content: '',
    model: f.model,
    thinking: '',
    images: [],
    timestamp: f.now,
    status: 'streaming',
    error: null,
    stats: {},
    updatedAt: f.now,
    writer: f.writer,
  };
}

export interface AnswerEnd {
  status: Exclude<MessageStatus, 'streaming'>;
  stats?: Record<string, number>;
  error?: string | null;
  diagnosis?: MessageDiagnosis | null;
}

/**
 * A message's text as strings, whichever way it is stored: collaborative text (user messages,
 * answers written before conversation schema 2) or one ImmutableString value (answers since).
 */
export function answerText(m: Pick<ChatMessage, 'content' | 'thinking'> | undefined): { content: string; thinking: string } {
  return m ? { content: storedString(m.content), thinking: storedString(m.thinking) } : { content: '', thinking: '' };
}

/**
 * Replace an answer's text with one value each (inside a change): a few operations whatever the
 * length, where text written with `splice` keeps one operation per character in the history.
 * A field already holding exactly this text is left alone (no operation).
 */
export function writeAnswerText(m: ChatMessage, text: { content?: string; thinking?: string }): void {
  if (text.content !== undefined && (typeof m.content === 'string' || storedString(m.content) !== text.content)) m.content = immutable(text.content);
  if (text.thinking !== undefined && (typeof m.thinking === 'string' || storedString(m.thinking) !== text.thinking)) m.thinking = immutable(text.thinking);
}

/** Settle a streamed answer (its text is already written). */
export function finishAnswer(m: ChatMessage | undefined, end: AnswerEnd, now: number): void {
  if (!m) return;
  m.status = immutable(end.status);
  m.updatedAt = now;
  if (end.stats && Object.keys(end.stats).length > 0) m.stats = { ...end.stats };
  m.error = end.error ?? null;
  m.diagnosis = end.diagnosis ?? null;
}

/**
 * Take over an answer to write it again (retry: from scratch) or further (continue: keep the
 * text). The new writer's heartbeat starts now.
 */
export function restartAnswer(m: ChatMessage | undefined, f: { writer: string; now: number; keepText: boolean }): void {
  if (!m) return;
  if (!f.keepText) {
    if (storedString(m.content) !== '') m.content = immutable('');
    if (storedString(m.thinking) !== '') m.thinking = immutable('');
    m.stats = {};
  }
  m.status = immutable('streaming');
  m.error = null;
  m.diagnosis = null;
  m.writer = immutable(f.writer);
  m.updatedAt = f.now;
}

/** Mark an answer whose writer vanished, so every device shows it settled. */
export function markInterrupted(m: ChatMessage | undefined, now: number): void {
  if (!m || storedString(m.status) !== 'streaming') return;
  m.status = immutable('interrupted');
  m.updatedAt = now;
}
