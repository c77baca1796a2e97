import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyLive, decodeLive, encodeLive, liveOverStored, FULL_EVERY, MAX_LIVE_CHARS, type LiveMessage, type LiveState, type LiveTextMessage } from './codec.ts';
import { makeLiveSender } from './sender.ts';

/** A receiver as generations.tsx runs it: applies what it can, asks for the full text on a gap. */
function receiver() {
  let state: LiveState | undefined;
  let wants = 0;
  return {
    take(m: LiveMessage) {
      const back = decodeLive(encodeLive(m));
      if (!back || back.t !== 'text') return;
      const r = applyLive(state, back);
      if (r.kind === 'applied') state = r.state;
      if (r.kind === 'gap') wants++;
    },
    text: () => state?.content,
    thinking: () => state?.thinking,
    wants: () => wants,
  };
}

describe('live stream codec', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** sends `steps` growing texts through a sender, one message per step */
  async function stream(steps: number, sink: (m: LiveMessage) => void) {
    const sender = makeLiveSender(sink, { messageId: 'a', writer: 'w', liveMs: 10 });
    let content = '';
    for (let i = 0; i < steps; i++) {
      content += `word${i} `;
      sender.update(content, i < 3 ? 'think'.repeat(i + 1) : 'thinkthinkthink');
      await vi.advanceTimersByTimeAsync(10);
    }
    return { sender, content };
  }

  it('a receiver of every message ends with exactly the sent text', async () => {
    const r = receiver();
    const { content } = await stream(30, (m) => r.take(m));
    expect(r.text()).toBe(content);
    expect(r.thinking()).toBe('thinkthinkthink');
    expect(r.wants()).toBe(0);
  });

  it('a lost message never garbles the text: the receiver waits for the next full text', async () => {
    const r = receiver();
    let i = 0;
    const seen: string[] = [];
    const { content } = await stream(3 * FULL_EVERY, (m) => {
      if (i++ !== 2) r.take(m); // the third message is lost
      seen.push(r.text() ?? '');
    });
    expect(r.wants()).toBeGreaterThan(0);
    // every text the receiver showed was a prefix of the real one
    for (const s of seen) expect(content.startsWith(s)).toBe(true);
    expect(r.text()).toBe(content);
  });

  it('a device that joins mid-stream catches up from a full text', async () => {
    const r = receiver();
    let i = 0;
    const { content } = await stream(2 * FULL_EVERY + 3, (m) => {
      if (i++ >= 5) r.take(m);
    });
    expect(r.text()).toBe(content);
  });

  it('asking for the full text makes the next message carry all of it', async () => {
    const sent: LiveTextMessage[] = [];
    const { sender, content } = await stream(3, (m) => m.t === 'text' && sent.push(m));
    sender.wantFull();
    await vi.advanceTimersByTimeAsync(10);
    expect(sent.at(-1)).toMatchObject({ c: { o: 0, d: content } });
  });

  it('duplicates and late messages change nothing', async () => {
    const msgs: LiveMessage[] = [];
    const { content } = await stream(12, (m) => msgs.push(m));
    const r = receiver();
    for (const m of msgs) r.take(m);
    for (const m of [...msgs].reverse()) r.take(m);
    for (const m of msgs) r.take(m);
    expect(r.text()).toBe(content);
  });

  it('an answer larger than one message still grows on a receiver that has its start', async () => {
    const r = receiver();
    const sender = makeLiveSender((m) => r.take(m), { messageId: 'a', writer: 'w', liveMs: 10 });
    let content = '';
    for (let i = 0; i < 2 * FULL_EVERY; i++) {
      content += 'x'.repeat(MAX_LIVE_CHARS / 4);
      sender.update(content, '');
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(content.length).toBeGreaterThan(MAX_LIVE_CHARS);
    expect(r.text()).toBe(content);
  });

  it('garbage and other kinds of messages are ignored', () => {
    const bad: unknown[] = [
      'not json',
      { k: 'atelier/answer-live', t: 'text', m: 'a', r: 'r', w: 'w', n: -1, c: { o: 0, d: '' }, h: { o: 0, d: '' } },
      { k: 'atelier/answer-live', t: 'text', m: 'a', r: 'r', w: 'w', n: 1, c: { o: 0.5, d: '' }, h: { o: 0, d: '' } },
      { k: 'atelier/answer-live', t: 'text', m: '', r: 'r', w: 'w', n: 1, c: { o: 0, d: '' }, h: { o: 0, d: '' } },
      { k: 'atelier/answer-live', t: 'explode', m: 'a' },
      { k: 'something/else', t: 'want', m: 'a' },
      null,
    ];
    for (const b of bad) expect(decodeLive(new TextEncoder().encode(typeof b === 'string' ? b : JSON.stringify(b)))).toBeNull();
    expect(decodeLive(new Uint8Array([0xff, 0xfe, 0x00]))).toBeNull();
  });

  it('a new run (a regenerated answer) replaces the text once its full text arrives', () => {
    const first = applyLive(undefined, { k: 'atelier/answer-live', t: 'text', m: 'a', r: 'r1', w: 'w', n: 0, c: { o: 0, d: 'first' }, h: { o: 0, d: '' } });
    expect(first.kind).toBe('applied');
    const s = first.kind === 'applied' ? first.state : undefined;
    expect(applyLive(s, { k: 'atelier/answer-live', t: 'text', m: 'a', r: 'r2', w: 'w', n: 3, c: { o: 2, d: 'xx' }, h: { o: 0, d: '' } }).kind).toBe('gap');
    expect(applyLive(s, { k: 'atelier/answer-live', t: 'text', m: 'a', r: 'r2', w: 'w', n: 0, c: { o: 0, d: 'again' }, h: { o: 0, d: '' } })).toMatchObject({ state: { content: 'again' } });
  });

  it('the stored answer takes over once it has as much text, or is settled', () => {
    const live = { content: 'Hello world', thinking: '', writer: 'w' };
    expect(liveOverStored(live, { status: 'streaming', content: 'Hello', thinking: '', writer: 'w' })).toEqual({ content: 'Hello world', thinking: '' });
    expect(liveOverStored(live, { status: 'streaming', content: 'Hello world', thinking: '', writer: 'w' })).toBeUndefined();
    expect(liveOverStored(live, { status: 'done', content: 'Hello', thinking: '', writer: 'w' })).toBeUndefined();
    // another writer took the answer over (regenerated elsewhere)
    expect(liveOverStored(live, { status: 'streaming', content: '', thinking: '', writer: 'other' })).toBeUndefined();
  });
});
