import type { ChatMessage } from '../schema/conversation.ts';
import type { ChatInputMessage } from './request.ts';
import { contextFor, type Messages } from './tree.ts';

/**
 * The messages a model sees to write the answer `answerId`: everything before it on the
 * visible branch (each model's own earlier answers in "own thread" mode), whatever model
 * wrote the earlier answers, so switching model mid-conversation keeps the whole context.
 * Continuing an interrupted answer sends its partial text last, as the start of the reply.
 */
export function contextForAnswer(
  messages: Messages,
  answerId: string,
  opts: { ownThread: boolean; continuing?: boolean },
): ChatMessage[] {
  const answer = messages[answerId];
  if (!answer || answer.parentId === null) return [];
  const mode = opts.ownThread && answer.model !== null ? { ownThreadModel: answer.model } : 'selected';
  const list = contextFor(messages, answer.parentId, mode);
  if (opts.continuing && answer.content !== '') list.push(answer);
  return list;
}

/** The request messages for a context: text, and a user message's pictures as bare base64. */
export function toChatInputs(context: readonly ChatMessage[], imagesOf: (m: ChatMessage) => string[]): ChatInputMessage[] {
  return context.map((m) => {
    const out: ChatInputMessage = { role: m.role, content: m.content };
    if (m.role === 'user' && m.images.length > 0) {
      const images = imagesOf(m);
      if (images.length > 0) out.images = images;
    }
    return out;
  });
}
