import type { ChatMessage } from '../schema/conversation.ts';
import { storedString } from '../schema/stored-string.ts';

/*
 * Is an answer still being written? A streaming answer carries its writer (a tab) and a
 * heartbeat (`updatedAt`, refreshed with every batch and every HEARTBEAT_MS while waiting for
 * the model). Clocks of two devices may disagree, so staleness is judged mostly on this
 * device's own clock: how long since this device last SAW the heartbeat move. A heartbeat far
 * in the past (more than ABSOLUTE_STALE_MS, a margin for clock skew) settles it at once.
 */

export const HEARTBEAT_MS = 5_000;
/** no heartbeat seen moving for this long (local clock) → the writer vanished */
export const STALE_AFTER_MS = 3 * HEARTBEAT_MS;
/** a heartbeat this old on the writer's clock → vanished, without waiting */
export const ABSOLUTE_STALE_MS = 60_000;

export type AnswerState =
  /** finished, stopped or failed */
  | 'settled'
  /** being written by this tab */
  | 'local'
  /** being written elsewhere (another tab or device), still alive */
  | 'remote'
  /** its writer vanished mid-stream: offer continue or regenerate */
  | 'interrupted';

export interface LivenessFacts {
  /** this tab is generating it right now */
  running: boolean;
  /** this tab's writer id */
  localWriter: string;
  /** the writer ids of this tab's pages before a reload: nothing writes their answers any more */
  formerWriters?: readonly string[];
  now: number;
  /** local time when this device last saw the heartbeat change (undefined: not watched yet) */
  lastChangeSeenAt?: number;
}

export function answerState(m: Pick<ChatMessage, 'status' | 'updatedAt' | 'writer' | 'timestamp'>, f: LivenessFacts): AnswerState {
  const status = storedString(m.status);
  if (status === 'interrupted') return 'interrupted';
  if (status !== 'streaming') return 'settled';
  if (f.running) return 'local';
  const writer = m.writer === undefined ? undefined : storedString(m.writer);
  // written by this very tab but not running any more: it was lost (never happens unless a page was torn down)
  if (writer === f.localWriter) return 'interrupted';
  // written by this tab before a reload cut it off: no need to wait for the heartbeat to go stale
  if (writer !== undefined && f.formerWriters?.includes(writer)) return 'interrupted';
  const beat = m.updatedAt ?? m.timestamp;
  if (f.now - beat > ABSOLUTE_STALE_MS) return 'interrupted';
  if (f.lastChangeSeenAt !== undefined && f.now - f.lastChangeSeenAt > STALE_AFTER_MS) return 'interrupted';
  return 'remote';
}
