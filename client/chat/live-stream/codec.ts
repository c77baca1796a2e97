import * as v from 'valibot';

/*
 * The ephemeral messages that carry an answer's text live to the account's other devices (and
 * this device's other tabs) while it streams. They are sealed with the workspace key by the sync
 * engine and never stored by the relay; the document gets the text only at checkpoints
 * (stream-writer.ts).
 *
 * A `text` message carries, for content and thinking, the text from offset `o` on (`d`). An
 * answer's text only grows within one run (a run: one generation by one tab), so applying
 * "text = text[0, o) + d" is idempotent, and a message whose offset lies past what the receiver
 * has (a lost message, or a device that joined mid-stream) is not applied: the receiver asks for
 * the full text (`want`), which the sender also sends every FULL_EVERY messages. `n` numbers the
 * messages of a run, so a late duplicate never takes text back.
 */

export const LIVE_KIND = 'atelier/answer-live';
/** the sender's full text at least every this many messages (about every 2 s) */
export const FULL_EVERY = 8;
/** bounds of one message; a larger text is left to the checkpoints */
export const MAX_LIVE_CHARS = 256 * 1024;
/** one encoded message at most (a relay frame's body is at most 1 MiB, sealed) */
export const MAX_LIVE_BYTES = 512 * 1024;
const MAX_ID = 200;

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID));
const part = v.object({
  o: v.pipe(v.number(), v.integer(), v.minValue(0)),
  d: v.pipe(v.string(), v.maxLength(MAX_LIVE_CHARS)),
});
const liveMessage = v.variant('t', [
  v.object({ k: v.literal(LIVE_KIND), t: v.literal('text'), m: id, r: id, w: id, n: v.pipe(v.number(), v.integer(), v.minValue(0)), c: part, h: part }),
  v.object({ k: v.literal(LIVE_KIND), t: v.literal('end'), m: id, r: id }),
  v.object({ k: v.literal(LIVE_KIND), t: v.literal('want'), m: id }),
  // presence: a tab shows this conversation (`open`), or stopped showing it; `ask`: tell me if you do
  v.object({ k: v.literal(LIVE_KIND), t: v.literal('here'), tab: id, open: v.boolean(), ask: v.boolean() }),
]);

export type LivePart = v.InferOutput<typeof part>;
export type LiveMessage = v.InferOutput<typeof liveMessage>;
export type LiveTextMessage = Extract<LiveMessage, { t: 'text' }>;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeLive(m: LiveMessage): Uint8Array {
  return encoder.encode(JSON.stringify(m));
}

/** The message, or null for anything else (another kind of ephemeral message, garbage). */
export function decodeLive(bytes: Uint8Array): LiveMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(decoder.decode(bytes));
  } catch {
    return null;
  }
  const r = v.safeParse(liveMessage, raw);
  return r.success ? r.output : null;
}

/** What a receiver knows of one answer's live text. */
export interface LiveState {
  run: string;
  writer: string;
  /** the last message applied */
  n: number;
  content: string;
  thinking: string;
  ended: boolean;
  /** written on another device (not another tab of this one) */
  elsewhere: boolean;
}

export type Applied =
  /** the text moved on */
  | { kind: 'applied'; state: LiveState }
  /** a duplicate or an older message: nothing to do */
  | { kind: 'stale' }
  /** text is missing before this message: ask for the full text */
  | { kind: 'gap' };

function applyPart(text: string, p: LivePart): string | null {
  if (p.o > text.length) return null;
  return p.o + p.d.length >= text.length ? text.slice(0, p.o) + p.d : text;
}

/** Apply a `text` message to what the receiver has (undefined: nothing yet). Pure. */
export function applyLive(prev: LiveState | undefined, m: LiveTextMessage, elsewhere = true): Applied {
  const same = prev !== undefined && prev.run === m.r;
  if (same && m.n <= prev.n) return { kind: 'stale' };
  const base = same ? prev : { content: '', thinking: '' };
  const content = applyPart(base.content, m.c);
  const thinking = applyPart(base.thinking, m.h);
  if (content === null || thinking === null) return { kind: 'gap' };
  return { kind: 'applied', state: { run: m.r, writer: m.w, n: m.n, content, thinking, ended: same ? prev.ended : false, elsewhere } };
}

/**
 * The live text to show over the stored answer, or undefined when the stored one is as far or
 * settled (its checkpoint or final value has overtaken the live text).
 */
export function liveOverStored(
  live: Pick<LiveState, 'content' | 'thinking' | 'writer'> | undefined,
  stored: { status: string; content: string; thinking: string; writer?: string } | undefined,
): { content: string; thinking: string } | undefined {
  if (!live || !stored || stored.status !== 'streaming') return undefined;
  if (stored.writer !== undefined && stored.writer !== live.writer) return undefined;
  if (live.content.length + live.thinking.length <= stored.content.length + stored.thinking.length) return undefined;
  return { content: live.content, thinking: live.thinking };
}
