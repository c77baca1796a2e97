import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Repo } from '@automerge/automerge-repo';
import * as A from '@automerge/automerge';
import { initialConversation, type ConversationDoc } from '../../shared/schema/conversation.ts';
import { answerPlaceholder, answerText, userMessage } from '../../shared/chat/messages.ts';
import { addTurn } from '../../shared/chat/branch.ts';
import { checkDoc } from '../../shared/schema/validate.ts';
import { plainValue } from '../../shared/schema/stored-string.ts';
import { makeStreamWriter } from './stream-writer.ts';

/** The writer's checkpoints run on vitest's fake clock: time passes when the test says. */
const clockAdvances = (ms: number) => vi.advanceTimersByTimeAsync(ms);

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

const opsOf = (d: ConversationDoc) => A.stats(d as A.Doc<ConversationDoc>).numOps;

describe('makeStreamWriter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stores the streamed text as one value per checkpoint: the history grows with checkpoints, not with characters', async () => {
    const { handle, changes } = setup();
    const opsBefore = opsOf(handle.doc());
    const w = makeStreamWriter(handle, 'a', { checkpointMs: 1000 });
    const tokens = Array.from({ length: 4000 }, (_, i) => ` token${i}`);
    // 4,000 tokens over 4 s: 4 checkpoints, then the end
    for (let s = 0; s < 4; s++) {
      for (const tok of tokens.slice(s * 1000, (s + 1) * 1000)) w.append(tok, s === 0 ? '.' : '');
      await clockAdvances(1000);
    }
    expect(changes()).toBe(4);
    w.finish({ status: 'done', stats: { eval_count: 4000, eval_duration: 2e9 } });
    const text = tokens.join('');
    expect(answerText(handle.doc().messages.a)).toEqual({ content: text, thinking: '.'.repeat(1000) });
    expect(plainValue(handle.doc()).messages.a).toMatchObject({ status: 'done', stats: { eval_count: 4000 }, error: null });
    expect(checkDoc('atelier/conversation', handle.doc()).status).toBe('ok');
    // ~37,000 characters; per-character text would be as many operations
    expect(text.length).toBeGreaterThan(30_000);
    expect(opsOf(handle.doc()) - opsBefore).toBeLessThan(5 * 10);
    // and the saved document is about the size of the text, not of a per-character history
    expect(A.save(handle.doc()).length).toBeLessThan(text.length);
    // nothing more after the end
    w.append('late', '');
    await clockAdvances(2000);
    expect(answerText(handle.doc().messages.a).content).toBe(text);
  });

  it('writes nothing between checkpoints (other devices get that text live, not from the document)', async () => {
    const { handle, changes } = setup();
    const w = makeStreamWriter(handle, 'a', { checkpointMs: 1000 });
    w.append('Hello', '');
    await clockAdvances(999);
    expect(changes()).toBe(0);
    await clockAdvances(1);
    expect(changes()).toBe(1);
    expect(answerText(handle.doc().messages.a).content).toBe('Hello');
    w.finish({ status: 'stopped' });
  });

  it('keeps a heartbeat while the model is silent, so other devices know the writer is alive', async () => {
    const { handle } = setup();
    const before = handle.doc().messages.a!.updatedAt!;
    const w = makeStreamWriter(handle, 'a', { checkpointMs: 30 });
    await clockAdvances(100);
    const beat = handle.doc().messages.a!.updatedAt!;
    expect(beat).toBeGreaterThan(before);
    expect(plainValue(handle.doc()).messages.a!.status).toBe('streaming');
    w.finish({ status: 'stopped' });
    const settled = handle.doc().messages.a!.updatedAt!;
    await clockAdvances(80);
    expect(handle.doc().messages.a!.updatedAt).toBe(settled);
    expect(plainValue(handle.doc()).messages.a!.status).toBe('stopped');
  });

  it('continues an answer stored as text (written before schema 2) from its text', async () => {
    const { handle } = setup();
    handle.change((d) => {
      d.messages.a!.content = '';
      A.splice(d, ['messages', 'a', 'content'], 0, 0, 'Old text');
    });
    const w = makeStreamWriter(handle, 'a', { checkpointMs: 1000 });
    w.append(', continued', '');
    w.finish({ status: 'done' });
    expect(answerText(handle.doc().messages.a).content).toBe('Old text, continued');
  });

  it('a concurrent edit elsewhere in the conversation survives the checkpoints', async () => {
    const { handle } = setup();
    const w = makeStreamWriter(handle, 'a', { checkpointMs: 20 });
    w.append('Hello', '');
    handle.change((d) => {
      d.title = 'Renamed meanwhile';
    });
    w.append(' world', '');
    await clockAdvances(50);
    w.finish({ status: 'error', error: 'boom', diagnosis: { code: 'stream-error', message: 'boom' } });
    expect(handle.doc().title).toBe('Renamed meanwhile');
    expect(answerText(handle.doc().messages.a).content).toBe('Hello world');
    expect(plainValue(handle.doc()).messages.a).toMatchObject({ status: 'error', diagnosis: { code: 'stream-error' } });
  });
});
