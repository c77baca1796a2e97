import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Repo } from '@automerge/automerge-repo';
import * as A from '@automerge/automerge';
import { initialConversation, type ConversationDoc } from '../../shared/schema/conversation.ts';
import { answerPlaceholder, userMessage } from '../../shared/chat/messages.ts';
import { addTurn } from '../../shared/chat/branch.ts';
import { checkDoc } from '../../shared/schema/validate.ts';
import { makeStreamWriter } from './stream-writer.ts';

/** The writer's batches and heartbeat run on vitest's fake clock: time passes when the test says. */
const sleep = (ms: number) => vi.advanceTimersByTimeAsync(ms);

function setup() {
  const repo = new Repo({ network: [] });
  const doc = initialConversation('c', 'T', ['ollama:m'], 1);
  addTurn(doc, userMessage({ id: 'u', parentId: null, content: 'hi', models: ['ollama:m'], now: 1 }), [
    answerPlaceholder({ id: 'a', parentId: 'u', model: 'ollama:m', writer: 'tab', now: 1 }),
  ]);
  const handle = repo.create<ConversationDoc>(doc);
  let changes = 0;
  handle.on('change', () => changes++);
  return { repo, handle, changes: () => changes };
}

describe('makeStreamWriter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes tokens in batches, not one change per token, and settles the answer at the end', async () => {
    const { handle, changes } = setup();
    const w = makeStreamWriter(handle, 'a', { flushMs: 40, heartbeatMs: 10_000 });
    const tokens = Array.from({ length: 200 }, (_, i) => ` t${i}`);
    for (const tok of tokens.slice(0, 100)) w.append(tok, '');
    w.append('', 'thinking…');
    expect(changes()).toBe(0);
    await sleep(80);
    expect(changes()).toBe(1);
    for (const tok of tokens.slice(100)) w.append(tok, '');
    w.finish({ status: 'done', stats: { eval_count: 200, eval_duration: 2e9 } });
    expect(changes()).toBe(2);
    const m = handle.doc().messages.a!;
    expect(m.content).toBe(tokens.join(''));
    expect(m.thinking).toBe('thinking…');
    expect(m).toMatchObject({ status: 'done', stats: { eval_count: 200, eval_duration: 2e9 }, error: null });
    expect(checkDoc('atelier/conversation', handle.doc()).status).toBe('ok');
    // appended with text operations: the history holds a few changes, not 200
    expect(A.getHistory(handle.doc()).length).toBeLessThan(5);
    // nothing more after the end
    w.append('late', '');
    await sleep(60);
    expect(handle.doc().messages.a!.content).toBe(tokens.join(''));
  });

  it('keeps a heartbeat while the model is silent, so other devices know the writer is alive', async () => {
    const { handle } = setup();
    const before = handle.doc().messages.a!.updatedAt!;
    const w = makeStreamWriter(handle, 'a', { flushMs: 40, heartbeatMs: 30 });
    await sleep(100);
    const beat = handle.doc().messages.a!.updatedAt!;
    expect(beat).toBeGreaterThan(before);
    expect(handle.doc().messages.a!.status).toBe('streaming');
    w.finish({ status: 'stopped' });
    const settled = handle.doc().messages.a!.updatedAt!;
    await sleep(80);
    expect(handle.doc().messages.a!.updatedAt).toBe(settled);
    expect(handle.doc().messages.a!.status).toBe('stopped');
  });

  it('a concurrent edit elsewhere in the conversation survives the batches', async () => {
    const { handle } = setup();
    const w = makeStreamWriter(handle, 'a', { flushMs: 20, heartbeatMs: 10_000 });
    w.append('Hello', '');
    handle.change((d) => {
      d.title = 'Renamed meanwhile';
    });
    w.append(' world', '');
    await sleep(50);
    w.finish({ status: 'error', error: 'boom', diagnosis: { code: 'stream-error', message: 'boom' } });
    expect(handle.doc().title).toBe('Renamed meanwhile');
    expect(handle.doc().messages.a).toMatchObject({ content: 'Hello world', status: 'error', diagnosis: { code: 'stream-error' } });
  });
});
