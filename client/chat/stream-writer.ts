import type { DocHandle } from '@automerge/automerge-repo';
import type { ConversationDoc } from '../../shared/schema/conversation.ts';
import { finishAnswer, writeAnswerText, answerText, type AnswerEnd } from '../../shared/chat/messages.ts';
import { HEARTBEAT_MS } from '../../shared/chat/liveness.ts';

/*
 * Writes a streamed answer into its conversation document at sparse checkpoints: the whole text
 * so far as one value (ImmutableString, shared/chat/messages.ts writeAnswerText) every
 * CHECKPOINT_MS and once at the end, never per token or per flush. Text written with `splice`
 * would stay in the history as one operation per character, and loading a long conversation
 * costs time in proportion to its operations; a checkpoint replaces the value, so the history
 * holds a few operations per checkpoint. Other devices see the text live through ephemeral
 * messages (live-stream/), and these checkpoints when those do not reach them.
 *
 * Each checkpoint keeps its whole value in the history, so text checkpoints thin out as the text
 * grows: one is written when the text grew by a quarter since the last, or after TEXT_AT_LEAST_MS
 * (the history then holds a few times the final text, not one copy per tick of a long answer).
 *
 * A page being hidden or closed writes the text at once (the repo journals writes in flight
 * then), so a reload or a closed tab loses none of what arrived.
 *
 * Every checkpoint also moves `updatedAt`, and one is written even when the model is silent
 * (loading, thinking without output): that is the heartbeat by which other devices tell a live
 * writer from a vanished one (shared/chat/liveness.ts). CHECKPOINT_MS ≤ HEARTBEAT_MS keeps it.
 */

export const CHECKPOINT_MS = HEARTBEAT_MS;
/** a text checkpoint at least this often while the text changes */
export const TEXT_AT_LEAST_MS = 30_000;
/** else only once the text grew by this fraction since the last one */
const TEXT_GROWTH = 0.25;

export interface StreamWriter {
  append(content: string, thinking: string): void;
  /** Write the text and settle the answer, in one change. */
  finish(end: AnswerEnd): void;
}

export function makeStreamWriter(
  handle: DocHandle<ConversationDoc>,
  messageId: string,
  { checkpointMs = CHECKPOINT_MS }: { checkpointMs?: number } = {},
): StreamWriter {
  // the text already stored (a continued answer goes on from it)
  const start = answerText(handle.doc().messages[messageId]);
  let content = start.content;
  let thinking = start.thinking;
  /** text appended since the last text checkpoint */
  let dirty = false;
  let storedLength = content.length + thinking.length;
  let storedAt = Date.now();
  let finished = false;

  const write = (end?: AnswerEnd) => {
    const now = Date.now();
    const length = content.length + thinking.length;
    const due = end !== undefined || length >= storedLength * (1 + TEXT_GROWTH) || now - storedAt >= TEXT_AT_LEAST_MS;
    const text = dirty && due ? { content, thinking } : null;
    if (text) {
      dirty = false;
      storedLength = length;
      storedAt = now;
    }
    handle.change((d) => {
      const m = d.messages[messageId];
      if (!m) return;
      if (text) writeAnswerText(m, text);
      if (end) finishAnswer(m, end, now);
      else m.updatedAt = now;
    });
  };

  const checkpoints = setInterval(() => {
    if (!finished) write();
  }, checkpointMs);

  const now = () => {
    if (finished || !dirty) return;
    storedAt = 0; // due whatever the growth
    write();
  };
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') now();
  };
  // capture: at the target, capture listeners run before the others, so this change is made
  // before the workspace's own pagehide/visibilitychange listener flushes and journals the repo
  const page = typeof window === 'undefined' ? null : window;
  page?.addEventListener('pagehide', now, { capture: true });
  page?.document.addEventListener('visibilitychange', onVisibility, { capture: true });
  const stop = () => {
    clearInterval(checkpoints);
    page?.removeEventListener('pagehide', now, { capture: true });
    page?.document.removeEventListener('visibilitychange', onVisibility, { capture: true });
  };

  return {
    append(c, th) {
      if (finished || (!c && !th)) return;
      content += c;
      thinking += th;
      dirty = true;
    },
    finish(end) {
      if (finished) return;
      finished = true;
      stop();
      write(end);
    },
  };
}
