import type { ChatMessage } from '../schema/conversation.ts';
import { fillTemplate } from '../rag/template.ts';
import type { ChatInputMessage } from './request.ts';
import { contextFor, type Messages } from './tree.ts';
import { mergeRequestMessage } from './merge.ts';
import { filesOf, withFiles } from './attachments.ts';
import { storedOrNull, storedString } from '../schema/stored-string.ts';
import { parentOf } from './tree.ts';

/**
 * The messages a model sees to write the answer `answerId`: everything before it on the
 * visible branch (each model's own earlier answers in "own thread" mode), whatever model
 * wrote the earlier answers, so switching model mid-conversation keeps the whole context.
 * Continuing an interrupted answer sends its partial text last, as the start of the reply.
 * A merged answer (merge.ts) sees only the merge prompt: the question and the answers it combines.
 */
export function contextForAnswer(
  messages: Messages,
  answerId: string,
  opts: { ownThread: boolean; continuing?: boolean },
): ChatMessage[] {
  const answer = messages[answerId];
  const parentId = answer ? parentOf(answer) : null;
  if (!answer || parentId === null) return [];
  const hasText = storedString(answer.content) !== '';
  if (answer.mergeOf) {
    const request = mergeRequestMessage(messages, answer);
    if (!request) return [];
    return opts.continuing && hasText ? [request, answer] : [request];
  }
  const model = storedOrNull(answer.model);
  const mode = opts.ownThread && model !== null ? { ownThreadModel: model } : 'selected';
  const list = contextFor(messages, parentId, mode);
  if (opts.continuing && hasText) list.push(answer);
  return list;
}

export interface InputOptions {
  /** a user message's pictures as bare base64 (missing ones left out) */
  imagesOf: (m: ChatMessage) => string[];
  /**
   * The model reads images. When false, pictures are left out: Ollama fails the whole
   * request for a model without vision, so one picture would break every later turn.
   */
  vision: boolean;
  /** the template the passages of earlier answers were given to the model with (workspace setting) */
  ragTemplate: string;
  /** the answer being written: its own passages come from a new retrieval, not from here */
  answerId?: string;
}

export interface ChatInputs {
  messages: ChatInputMessage[];
  /** blob URLs of the pictures left out because the model does not read images */
  imagesLeftOut: string[];
}

/**
 * The request messages for a context.
 * - A user message's pictures go along only to a model that reads images.
 * - Passages retrieved for an earlier answer (its `sources`) stay part of that turn: the user
 *   message it answered is sent as the model then saw it, the passages in the template, so a
 *   later turn (or another model) knows what that answer was based on
 *   (docs/decisions/2026-12-07-rag-context-in-later-turns.md).
 */
export function chatInputs(context: readonly ChatMessage[], opts: InputOptions): ChatInputs {
  const imagesLeftOut: string[] = [];
  const messages = context.map((m, i): ChatInputMessage => {
    const role = storedString(m.role);
    let content = role === 'user' ? withFiles(storedString(m.content), filesOf(m)) : storedString(m.content);
    const answer = context[i + 1];
    if (role === 'user' && answer && storedString(answer.role) === 'assistant' && storedString(answer.id) !== opts.answerId && answer.sources && answer.sources.length > 0) {
      content = fillTemplate(opts.ragTemplate, answer.sources, content);
    }
    const out: ChatInputMessage = { role, content };
    if (role === 'user' && m.images.length > 0) {
      if (!opts.vision) imagesLeftOut.push(...m.images);
      else {
        const images = opts.imagesOf(m);
        if (images.length > 0) out.images = images;
      }
    }
    return out;
  });
  return { messages, imagesLeftOut };
}

/**
 * Pictures left out of this answer's request that no earlier answer on its context already
 * told the person about: the notice is shown once, not on every later turn.
 */
export function newlyLeftOut(context: readonly ChatMessage[], leftOut: readonly string[]): string[] {
  const told = new Set(context.flatMap((m) => (storedString(m.role) === 'assistant' ? (m.imagesLeftOut ?? []) : [])));
  return [...new Set(leftOut)].filter((u) => !told.has(u));
}
