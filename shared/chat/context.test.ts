import { storedString } from '../schema/stored-string.ts';
import { describe, expect, it } from 'vitest';
import { initialConversation, type ConversationDoc } from '../schema/conversation.ts';
import { addTurn } from './branch.ts';
import { chatInputs, contextForAnswer, newlyLeftOut } from './context.ts';
import { DEFAULT_RAG_TEMPLATE, fillTemplate } from '../rag/template.ts';
import { buildChatRequest } from './request.ts';
import { msg } from './fixtures.test-helpers.ts';

const images: Record<string, string> = { 'automerge:img1': 'iVBORw0KGgo=' };
const imagesOf = (m: { images: string[] }) => m.images.map((u) => images[u]).filter((x): x is string => Boolean(x));
const toChatInputs = (ctx: Parameters<typeof chatInputs>[0], of = imagesOf) => chatInputs(ctx, { imagesOf: of, vision: true, ragTemplate: DEFAULT_RAG_TEMPLATE }).messages;

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
    expect(ctx.map((m) => storedString(m.id))).toEqual(['u1', 'a1', 'u2']);
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
    expect(contextForAnswer(d.messages, 'a2', { ownThread: false, continuing: true }).map((m) => storedString(m.id))).toEqual(['u1', 'a1', 'u2', 'a2']);
    d.messages.a2!.content = '';
    expect(contextForAnswer(d.messages, 'a2', { ownThread: false, continuing: true }).map((m) => storedString(m.id))).toEqual(['u1', 'a1', 'u2']);
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
    expect(contextForAnswer(d.messages, 'a2', { ownThread: true }).map((m) => storedString(m.id))).toEqual(['u1', 'a1', 'u2']);
    expect(contextForAnswer(d.messages, 'b2', { ownThread: true }).map((m) => storedString(m.id))).toEqual(['u1', 'b1', 'u2']);
  });

  it('without the setting both continue from the selected answer', () => {
    const d = twoModels();
    expect(contextForAnswer(d.messages, 'b2', { ownThread: false }).map((m) => storedString(m.id))).toEqual(['u1', 'a1', 'u2']);
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

describe('pictures and a model without vision', () => {
  it('a model that does not read images gets the text of every turn and no picture, and the left-out pictures are named', () => {
    const d = switched();
    const ctx = contextForAnswer(d.messages, 'a2', { ownThread: false });
    const inputs = chatInputs(ctx, { imagesOf, vision: false, ragTemplate: DEFAULT_RAG_TEMPLATE });
    expect(inputs.messages).toEqual([
      { role: 'user', content: 'What is a LEFT JOIN?' },
      { role: 'assistant', content: 'It keeps every row of the left table.' },
      { role: 'user', content: 'And a RIGHT JOIN?' },
    ]);
    expect(inputs.imagesLeftOut).toEqual(['automerge:img1']);
  });

  it('the person is told once: pictures an earlier answer already reported are not reported again', () => {
    const d = switched();
    const ctx = contextForAnswer(d.messages, 'a2', { ownThread: false });
    expect(newlyLeftOut(ctx, ['automerge:img1'])).toEqual(['automerge:img1']);
    d.messages.a1!.imagesLeftOut = ['automerge:img1'];
    expect(newlyLeftOut(contextForAnswer(d.messages, 'a2', { ownThread: false }), ['automerge:img1'])).toEqual([]);
  });
});

describe('passages retrieved for an earlier answer', () => {
  const sources = [{ n: 1, name: 'handbook.md', url: '', text: 'Refunds take 14 days.' }];
  function withSources(): ConversationDoc {
    const d = initialConversation('c', '', ['preset:docs'], 0);
    addTurn(d, msg('u1', null, 'user', { content: 'How long do refunds take?', models: ['preset:docs'] }), [
      msg('a1', 'u1', 'assistant', { model: 'preset:docs', content: 'They take 14 days [1].', sources }),
    ]);
    addTurn(d, msg('u2', 'a1', 'user', { content: 'And exchanges?', models: ['ollama:llama3.2:latest'] }), [
      msg('a2', 'u2', 'assistant', { model: 'ollama:llama3.2:latest', content: '', status: 'streaming' }),
    ]);
    return d;
  }

  it('later turns carry them: the earlier question goes as the model saw it, passages in the template', () => {
    const d = withSources();
    const ctx = contextForAnswer(d.messages, 'a2', { ownThread: false });
    const { messages } = chatInputs(ctx, { imagesOf, vision: false, ragTemplate: DEFAULT_RAG_TEMPLATE, answerId: 'a2' });
    expect(messages).toEqual([
      { role: 'user', content: fillTemplate(DEFAULT_RAG_TEMPLATE, sources, 'How long do refunds take?') },
      { role: 'assistant', content: 'They take 14 days [1].' },
      { role: 'user', content: 'And exchanges?' },
    ]);
    expect(messages[0]!.content).toContain('Refunds take 14 days.');
  });

  it('the answer being written (continued) does not get its own old passages a second time', () => {
    const d = withSources();
    d.messages.a1!.status = 'interrupted';
    const ctx = contextForAnswer(d.messages, 'a1', { ownThread: false, continuing: true });
    const { messages } = chatInputs(ctx, { imagesOf, vision: false, ragTemplate: DEFAULT_RAG_TEMPLATE, answerId: 'a1' });
    expect(messages[0]).toEqual({ role: 'user', content: 'How long do refunds take?' });
  });
});

describe('two models, one failed', () => {
  it('the next turn continues from the answer that succeeded, never as two user messages in a row', () => {
    const d = initialConversation('c', '', ['m:a', 'm:b'], 0);
    addTurn(d, msg('u1', null, 'user', { content: 'Hi both', models: ['m:a', 'm:b'] }), [
      msg('a1', 'u1', 'assistant', { model: 'm:a', content: '', status: 'error', error: 'boom' }),
      msg('b1', 'u1', 'assistant', { model: 'm:b', content: 'Hello from b.' }),
    ]);
    // what older code wrote: the next user message under the failed, selected answer
    addTurn(d, msg('u2', 'a1', 'user', { content: 'Go on', models: ['m:a', 'm:b'] }), [
      msg('a2', 'u2', 'assistant', { model: 'm:a', content: '', status: 'streaming' }),
    ]);
    const roles = (id: string) => contextForAnswer(d.messages, id, { ownThread: false }).map((m) => [storedString(m.role), storedString(m.content)]);
    expect(roles('a2')).toEqual([
      ['user', 'Hi both'],
      ['assistant', 'Hello from b.'],
      ['user', 'Go on'],
    ]);
  });
});

describe('after a model switch', () => {
  it('the request holds the earlier turns, the new preset\'s system prompt and parameters, and the chat\'s own system message', () => {
    const d = initialConversation('c', '', ['ollama:llama3.2:latest'], 0);
    // a chat imported from Open WebUI keeps its own system prompt as a system message at the root
    addTurn(d, msg('s0', null, 'system', { content: 'Answer in French.' }), []);
    addTurn(d, msg('u1', 's0', 'user', { content: 'Hi', models: ['ollama:llama3.2:latest'] }), [
      msg('a1', 'u1', 'assistant', { model: 'ollama:llama3.2:latest', content: 'Salut !' }),
    ]);
    addTurn(d, msg('u2', 'a1', 'user', { content: 'More?', models: ['preset:tutor'] }), [
      msg('a2', 'u2', 'assistant', { model: 'preset:tutor', content: '', status: 'streaming' }),
    ]);
    const ctx = contextForAnswer(d.messages, 'a2', { ownThread: false });
    const req = buildChatRequest(
      { kind: 'preset', preset: { baseModel: 'qwen3:4b', system: 'Be brief.', params: { temperature: 0.2 } } },
      toChatInputs(ctx),
    );
    expect(req).toEqual({
      model: 'qwen3:4b',
      stream: true,
      options: { temperature: 0.2 },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Salut !' },
        { role: 'user', content: 'More?' },
      ],
    });
  });
});
