import { newId } from '../../../shared/schema/ids.ts';
import { FULL_EVERY, MAX_LIVE_CHARS, type LiveMessage, type LivePart } from './codec.ts';

/*
 * The answering tab's side: the text as it grows goes out as ephemeral messages, at most one
 * every LIVE_MS (tokens come far faster), each with what was added since the previous one, and
 * the full text every FULL_EVERY messages or when a receiver asks (`want`).
 */

export const LIVE_MS = 250;

export interface LiveSender {
  /** the whole text so far (not a delta) */
  update(content: string, thinking: string): void;
  /** a receiver lacks text: the next message carries all of it */
  wantFull(): void;
  /** send what is pending, then the end of the run */
  end(): void;
}

export function makeLiveSender(
  send: (m: LiveMessage) => void,
  f: { messageId: string; writer: string; liveMs?: number },
): LiveSender {
  const run = newId();
  const liveMs = f.liveMs ?? LIVE_MS;
  let content = '';
  let thinking = '';
  /** the text as the previous message left it on receivers */
  let sentContent = '';
  let sentThinking = '';
  let n = 0;
  let full = true;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ended = false;

  const part = (now: string, sent: string, whole: boolean): LivePart =>
    // the text grows by appending; anything else (an outlet rewrote it) goes whole
    whole || !now.startsWith(sent) ? { o: 0, d: now } : { o: sent.length, d: now.slice(sent.length) };

  const flush = () => {
    timer = null;
    if (content === sentContent && thinking === sentThinking && !full) return;
    const fits = (c: LivePart, h: LivePart) => c.d.length + h.d.length <= MAX_LIVE_CHARS;
    let c = part(content, sentContent, full || n % FULL_EVERY === 0);
    let h = part(thinking, sentThinking, full || n % FULL_EVERY === 0);
    // a full text too large for one message: what was added, for the receivers that have the rest
    if (!fits(c, h)) {
      c = part(content, sentContent, false);
      h = part(thinking, sentThinking, false);
    }
    full = false;
    sentContent = content;
    sentThinking = thinking;
    const seq = n++;
    // even that too large: not sent, as if lost (receivers see the gap, and follow the checkpoints)
    if (fits(c, h)) send({ k: 'atelier/answer-live', t: 'text', m: f.messageId, r: run, w: f.writer, n: seq, c, h });
  };

  const schedule = () => {
    if (!ended && timer === null) timer = setTimeout(flush, liveMs);
  };

  return {
    update(c, th) {
      if (ended) return;
      content = c;
      thinking = th;
      schedule();
    },
    wantFull() {
      full = true;
      schedule();
    },
    end() {
      if (ended) return;
      if (timer !== null) clearTimeout(timer);
      flush();
      ended = true;
      send({ k: 'atelier/answer-live', t: 'end', m: f.messageId, r: run });
    },
  };
}
