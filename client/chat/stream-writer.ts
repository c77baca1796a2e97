import { splice, type DocHandle } from '@automerge/automerge-repo';
import type { ConversationDoc } from '../../shared/schema/conversation.ts';
import { finishAnswer, type AnswerEnd } from '../../shared/chat/messages.ts';
import { HEARTBEAT_MS } from '../../shared/chat/liveness.ts';

/*
 * Writes a streamed answer into its conversation document in batches: tokens are gathered and
 * appended with Automerge `splice` a few times a second (FLUSH_MS), never per token, so the
 * document's history stays small and other devices see the answer grow. While the model is
 * silent (loading, thinking without output) a heartbeat keeps `updatedAt` moving, so other
 * devices can tell a live writer from a vanished one (shared/chat/liveness.ts).
 */

export const FLUSH_MS = 250;

export interface StreamWriter {
  append(content: string, thinking: string): void;
  /** Write what is pending and settle the answer, in one change. */
  finish(end: AnswerEnd): void;
}

export function makeStreamWriter(
  handle: DocHandle<ConversationDoc>,
  messageId: string,
  { flushMs = FLUSH_MS, heartbeatMs = HEARTBEAT_MS }: { flushMs?: number; heartbeatMs?: number } = {},
): StreamWriter {
  let content = '';
  let thinking = '';
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastWrite = Date.now();
  let finished = false;

  const write = (end?: AnswerEnd) => {
    const c = content;
    const th = thinking;
    content = '';
    thinking = '';
    lastWrite = Date.now();
    handle.change((d) => {
      const m = d.messages[messageId];
      if (!m) return;
      if (c) splice(d, ['messages', messageId, 'content'], m.content.length, 0, c);
      if (th) splice(d, ['messages', messageId, 'thinking'], m.thinking.length, 0, th);
      if (end) finishAnswer(m, end, lastWrite);
      else m.updatedAt = lastWrite;
    });
  };

  const heartbeat = setInterval(() => {
    if (!finished && Date.now() - lastWrite >= heartbeatMs * 0.9) write();
  }, heartbeatMs);

  return {
    append(c, th) {
      if (finished) return;
      content += c;
      thinking += th;
      if (timer === null && (content || thinking)) {
        timer = setTimeout(() => {
          timer = null;
          if (!finished) write();
        }, flushMs);
      }
    },
    finish(end) {
      if (finished) return;
      finished = true;
      if (timer !== null) clearTimeout(timer);
      clearInterval(heartbeat);
      write(end);
    },
  };
}
