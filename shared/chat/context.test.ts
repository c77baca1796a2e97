import { describe, expect, it } from 'vitest';
import { initialConversation, type ConversationDoc } from '../schema/conversation.ts';
import { addTurn } from './branch.ts';
import { contextForAnswer, toChatInputs } from './context.ts';
import { buildChatRequest } from './request.ts';
import { msg } from './fixtures.test-helpers.ts';

const images: Record<string, string> = { 'automerge:img1': 'iVBORw0KGgo=' };
const imagesOf = (m: { images: string[] }) => m.images.map((u) => images[u]).filter((x): x is string => Boolean(x));

/* A conversation with a preset, then the person switches to a base model. */
function switched(): ConversationDoc {
  const d = initialConversation('c', '', ['preset:tutor'], 0);
  addTurn(d, msg('u1', null, 'user', { content: 'What is a LEFT JOIN?', models: ['preset:tutor'], images: ['automerge:img1'] }), [
    msg('a1', 'u1', 'assistant', { model: 'preset:tutor', content: 'It keeps every row of the left table.', thinking: 'hmm' }),
  ]);
  addTurn(d, msg('u2', 'a1', 'user', { content: 'And a RIGHT JOIN?', models: ['ollama:llama3.2:latest'] }), [
    msg('a2', 'u2', 'assistant', { model: 'ollama:llama3.2:latest', content: '', status: 'streaming' }),
  ]);
  return d;
}

describe('context for a switched model', () => {
  it('the new model sees the whole visible branch, whoever answered before, as an exact request', () => {
    const d = switched();
    const ctx = contextForAnswer(d.messages, 'a2', { ownThread: false });
    expect(ctx.map((m) => m.id)).toEqual(['u1', 'a1', 'u2']);
    const req = buildChatRequest({ kind: 'base', model: 'llama3.2:latest' }, toChatInputs(ctx, imagesOf));
    expect(req).toEqual({
      model: 'llama3.2:latest',
      stream: true,
      messages: [
        { role: 'user', content: 'What is a LEFT JOIN?', images: ['iVBORw0KGgo='] },
        { role: 'assistant', content: 'It keeps every row of the left table.' },
        { role: 'user', content: 'And a RIGHT JOIN?' },
      ],
    });
  });

  it('a preset after a switch gets its own system prompt first and its parameters', () => {
    const d = switched();
    d.messages.a2!.model = 'preset:tutor';
    const ctx = contextForAnswer(d.messages, 'a2', { ownThread: true });
    const req = buildChatRequest(
      { kind: 'preset', preset: { baseModel: 'qwen2.5:7b', system: 'Be brief.', params: { temperature: 0.2, max_tokens: 100 } } },
      toChatInputs(ctx, imagesOf),
    );
    expect(req.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(req.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(req.options).toEqual({ temperature: 0.2, num_predict: 100 });
  });

  it('continuing an interrupted answer sends its partial text last; an unknown answer has no context', () => {
    const d = switched();
    d.messages.a2!.content = 'A RIGHT JOIN keeps';
    expect(contextForAnswer(d.messages, 'a2', { ownThread: false, continuing: true }).map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a2']);
    d.messages.a2!.content = '';
    expect(contextForAnswer(d.messages, 'a2', { ownThread: false, continuing: true }).map((m) => m.id)).toEqual(['u1', 'a1', 'u2']);
    expect(contextForAnswer(d.messages, 'nope', { ownThread: false })).toEqual([]);
  });
});

describe('context in own-thread mode', () => {
  /* u1 → a1 (m:a, selected), b1 (m:b); u2 under a1 asked both */
  function twoModels(): ConversationDoc {
    const d = initialConversation('c', '', ['m:a', 'm:b'], 0);
    addTurn(d, msg('u1', null, 'user', { models: ['m:a', 'm:b'] }), [
      msg('a1', 'u1', 'assistant', { model: 'm:a' }),
      msg('b1', 'u1', 'assistant', { model: 'm:b' }),
    ]);
    addTurn(d, msg('u2', 'a1', 'user', { models: ['m:a', 'm:b'] }), [
      msg('a2', 'u2', 'assistant', { model: 'm:a', status: 'streaming', content: '' }),
      msg('b2', 'u2', 'assistant', { model: 'm:b', status: 'streaming', content: '' }),
    ]);
    return d;
  }

  it('each model sees its own previous answers', () => {
    const d = twoModels();
    expect(contextForAnswer(d.messages, 'a2', { ownThread: true }).map((m) => m.id)).toEqual(['u1', 'a1', 'u2']);
    expect(contextForAnswer(d.messages, 'b2', { ownThread: true }).map((m) => m.id)).toEqual(['u1', 'b1', 'u2']);
  });

  it('without the setting both continue from the selected answer', () => {
    const d = twoModels();
    expect(contextForAnswer(d.messages, 'b2', { ownThread: false }).map((m) => m.id)).toEqual(['u1', 'a1', 'u2']);
  });

  it('only user messages carry pictures, and missing pictures are left out', () => {
    const inputs = toChatInputs(
      [msg('u', null, 'user', { images: ['automerge:img1', 'automerge:gone'] }), msg('a', 'u', 'assistant', { images: ['automerge:img1'] })],
      imagesOf,
    );
    expect(inputs).toEqual([
      { role: 'user', content: 'u text', images: ['iVBORw0KGgo='] },
      { role: 'assistant', content: 'a text' },
    ]);
  });
});
