import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { ABSOLUTE_STALE_MS, answerState, STALE_AFTER_MS } from './liveness.ts';
import { statsFromDone, tokensPerSecond } from './stats.ts';
import { answerPlaceholder, answerText, finishAnswer, markInterrupted, restartAnswer, userMessage } from './messages.ts';
import { initialConversation, type ConversationDoc } from '../schema/conversation.ts';
import { checkDoc } from '../schema/validate.ts';
import { plainValue, storedString } from '../schema/stored-string.ts';
import { addTurn } from './branch.ts';

const base = { status: 'streaming' as const, updatedAt: 10_000, writer: 'tab-b', timestamp: 9_000 };
const facts = { running: false, localWriter: 'tab-a', now: 12_000 };

describe('answerState', () => {
  it('settled answers are settled; an interrupted status stays interrupted', () => {
    expect(answerState({ ...base, status: 'done' }, facts)).toBe('settled');
    expect(answerState({ ...base, status: 'error' }, facts)).toBe('settled');
    expect(answerState({ ...base, status: 'interrupted' }, facts)).toBe('interrupted');
  });

  it('this tab writing it: local; this tab but no longer running: interrupted', () => {
    expect(answerState(base, { ...facts, running: true })).toBe('local');
    expect(answerState({ ...base, writer: 'tab-a' }, facts)).toBe('interrupted');
  });

  it('written by this tab before a reload: interrupted at once, while a writer this tab never was stays remote', () => {
    expect(answerState(base, { ...facts, formerWriters: ['tab-b'] })).toBe('interrupted');
    expect(answerState(base, { ...facts, formerWriters: ['tab-c'] })).toBe('remote');
    expect(answerState({ ...base, writer: undefined }, { ...facts, formerWriters: ['tab-b'] })).toBe('remote');
  });

  it('another writer: alive while its heartbeat moves, interrupted once it has not moved for a while', () => {
    expect(answerState(base, facts)).toBe('remote');
    expect(answerState(base, { ...facts, lastChangeSeenAt: 11_000 })).toBe('remote');
    expect(answerState(base, { ...facts, now: 11_000 + STALE_AFTER_MS + 1, lastChangeSeenAt: 11_000 })).toBe('interrupted');
  });

  it('a heartbeat far in the past is interrupted at once; without updatedAt the timestamp counts', () => {
    expect(answerState(base, { ...facts, now: 10_000 + ABSOLUTE_STALE_MS + 1 })).toBe('interrupted');
    const old = { status: 'streaming' as const, timestamp: 0 };
    expect(answerState(old, { ...facts, now: ABSOLUTE_STALE_MS + 1 })).toBe('interrupted');
  });
});

describe('stats', () => {
  it('keeps the numeric metrics of the final line and computes tokens per second', () => {
    const stats = statsFromDone({ done: true, model: 'x', eval_count: 282, eval_duration: 4_535_599_000, total_duration: 4_883_583_458, load_duration: 'x' });
    expect(stats).toEqual({ eval_count: 282, eval_duration: 4_535_599_000, total_duration: 4_883_583_458 });
    expect(tokensPerSecond(stats)).toBe(62.2);
    expect(tokensPerSecond({})).toBeNull();
    expect(tokensPerSecond({ eval_count: 5, eval_duration: 0 })).toBeNull();
  });
});

describe('message mutators', () => {
  it('an answer streams, finishes, restarts and validates at every step inside Automerge', () => {
    type Rec = ConversationDoc & Record<string, unknown>;
    let doc = A.from(initialConversation('c', 'T', ['ollama:llama3.2'], 0) as Rec);
    doc = A.change(doc, (d) =>
      addTurn(d, userMessage({ id: 'u', parentId: null, content: 'hi', models: ['ollama:llama3.2'], now: 1 }), [
        answerPlaceholder({ id: 'a', parentId: 'u', model: 'ollama:llama3.2', writer: 'tab', now: 2 }),
      ]),
    );
    expect(checkDoc('atelier/conversation', doc).status).toBe('ok');
    expect(plainValue(doc.messages.a)).toMatchObject({ status: 'streaming', writer: 'tab', updatedAt: 2 });
    expect(doc.messages.u!.models!.map(storedString)).toEqual(['ollama:llama3.2']);

    doc = A.change(doc, (d) => {
      // text, as answers were written before schema 2
      d.messages.a!.content = '';
      A.splice(d, ['messages', 'a', 'content'], 0, 0, 'Hel');
      A.splice(d, ['messages', 'a', 'content'], 3, 0, 'lo');
      finishAnswer(d.messages.a, { status: 'error', error: 'boom', diagnosis: { code: 'stream-error', message: 'boom' } }, 5);
    });
    expect(checkDoc('atelier/conversation', doc).status).toBe('ok');
    expect(plainValue(doc.messages.a)).toMatchObject({ content: 'Hello', status: 'error', error: 'boom', diagnosis: { code: 'stream-error' } });

    doc = A.change(doc, (d) => restartAnswer(d.messages.a, { writer: 'tab2', now: 6, keepText: true }));
    expect(plainValue(doc.messages.a)).toMatchObject({ content: 'Hello', status: 'streaming', error: null, diagnosis: null, writer: 'tab2' });
    doc = A.change(doc, (d) => restartAnswer(d.messages.a, { writer: 'tab3', now: 7, keepText: false }));
    expect(plainValue(doc.messages.a)).toMatchObject({ status: 'streaming', writer: 'tab3' });
    // cleared as one value (not per-character text), read through the one helper
    expect(answerText(doc.messages.a)).toEqual({ content: '', thinking: '' });
    doc = A.change(doc, (d) => markInterrupted(d.messages.a, 8));
    expect(storedString(doc.messages.a!.status)).toBe('interrupted');
    doc = A.change(doc, (d) => finishAnswer(d.messages.a, { status: 'done', stats: { eval_count: 3, eval_duration: 1e9 } }, 9));
    expect(plainValue(doc.messages.a)).toMatchObject({ status: 'done', stats: { eval_count: 3 }, error: null });
    expect(checkDoc('atelier/conversation', doc).status).toBe('ok');
  });

  it('markInterrupted leaves settled answers alone', () => {
    const m = answerPlaceholder({ id: 'a', parentId: 'u', model: 'x', writer: 't', now: 1 });
    m.status = 'done';
    markInterrupted(m, 2);
    expect(m.status).toBe('done');
    markInterrupted(undefined, 2);
  });
});
