import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { ConversationDoc } from '../../shared/schema/conversation.ts';
import { answerState, type AnswerState } from '../../shared/chat/liveness.ts';
import type { Generations } from './generations.tsx';

/*
 * Watches the streaming answers of the open conversation that this tab is not writing, and
 * tells live ones from those whose writer vanished (shared/chat/liveness.ts): it notes when
 * each heartbeat last moved, on this device's clock, and re-checks every TICK_MS.
 */

const TICK_MS = 2_000;

export function createLiveness(
  doc: Accessor<ConversationDoc | undefined>,
  generations: Generations,
  /** the conversation's streaming answers (createStreamingIds) */
  streaming: Accessor<readonly string[]>,
): (id: string) => AnswerState {
  const seen = new Map<string, { beat: number; at: number }>();
  const [now, setNow] = createSignal(Date.now());
  let timer: ReturnType<typeof setInterval> | null = null;

  createEffect(() => {
    const messages = doc()?.messages;
    let watching = false;
    for (const id of streaming()) {
      const m = messages?.[id];
      if (!m || generations.isRunning(id)) continue;
      watching = true;
      const beat = m.updatedAt ?? m.timestamp;
      const prev = seen.get(id);
      if (!prev || prev.beat !== beat) seen.set(id, { beat, at: Date.now() });
    }
    if (watching && timer === null) timer = setInterval(() => setNow(Date.now()), TICK_MS);
    if (!watching && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  });
  onCleanup(() => {
    if (timer !== null) clearInterval(timer);
  });

  return (id) => {
    const m = doc()?.messages[id];
    if (!m) return 'settled';
    return answerState(m, {
      running: generations.isRunning(id),
      localWriter: generations.writerId,
      formerWriters: generations.formerWriterIds,
      now: Math.max(now(), Date.now()),
      lastChangeSeenAt: seen.get(id)?.at,
    });
  };
}
