import { describe, expect, it } from 'vitest';
import { buildChatRequest, type ChatInputMessage, type ChatTarget } from '../chat/request.ts';
import { fromOllamaRequest, imageDataUrl, type OpenAIRequestOptions } from './request.ts';

/** What the app sends to an OpenAI-compatible endpoint: the Ollama request, translated. */
const buildOpenAIChatRequest = (target: ChatTarget, messages: readonly ChatInputMessage[], opts: OpenAIRequestOptions = {}) =>
  fromOllamaRequest(buildChatRequest(target, messages, { stream: opts.stream ?? true }), opts);

const preset = (params: Record<string, unknown>, system = 'Be brief.') => ({
  kind: 'preset' as const,
  preset: { baseModel: 'openai:c1:gpt-3.5-turbo', system, params: params as never },
});

describe('OpenAI request mapping from a preset', () => {
  it('maps the parameters that exist under OpenAI names and leaves the others out', () => {
    const req = buildOpenAIChatRequest(
      preset({
        temperature: 0.3,
        top_p: 0.8,
        max_tokens: 256,
        stop: ['</s>', 'END'],
        seed: 42,
        presence_penalty: 0.5,
        frequency_penalty: -0.2,
        top_k: 20,
        min_p: 0.1,
        num_ctx: 8192,
        mirostat: 2,
        repeat_penalty: 1.2,
        keep_alive: '10m',
        think: true,
        format: 'json',
      }),
      [{ role: 'user', content: 'Hi' }],
    );
    expect(req).toEqual({
      model: 'gpt-3.5-turbo',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.3,
      top_p: 0.8,
      max_tokens: 256,
      stop: ['</s>', 'END'],
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.2,
    });
  });

  it('sends nothing for parameters left at Default, drops invalid values and "no limit" max_tokens', () => {
    const req = buildOpenAIChatRequest(preset({ temperature: 'hot', max_tokens: -1 }, '  '), [{ role: 'user', content: 'Hi' }]);
    expect(req).toEqual({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } });
  });

  it('a bare model keeps the conversation turns as they are', () => {
    const turns = [
      { role: 'user' as const, content: 'One' },
      { role: 'assistant' as const, content: 'Answer one' },
      { role: 'user' as const, content: 'Two' },
    ];
    const req = buildOpenAIChatRequest({ kind: 'base', model: 'local-model' }, turns, { stream: false });
    expect(req).toEqual({ model: 'local-model', messages: turns, stream: false });
  });

  it('sends images as image_url parts with data URLs when the model reads images, and drops them otherwise', () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB';
    const jpeg = '/9j/4AAQSkZJRgABAQ';
    const msgs = [{ role: 'user' as const, content: 'What is this?', images: [png, jpeg] }];
    const vision = buildOpenAIChatRequest({ kind: 'base', model: 'gpt-4o' }, msgs, { vision: true });
    expect(vision.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
          { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg}` } },
        ],
      },
    ]);
    const text = buildOpenAIChatRequest({ kind: 'base', model: 'gpt-3.5-turbo' }, msgs, { vision: false });
    expect(text.messages).toEqual([{ role: 'user', content: 'What is this?' }]);
    expect(imageDataUrl('data:image/gif;base64,R0lGOD')).toBe('data:image/gif;base64,R0lGOD');
  });

  it('translates an Ollama /api/chat body (options under Ollama names)', () => {
    const req = fromOllamaRequest(
      { model: 'llama', messages: [{ role: 'user', content: 'x' }], options: { temperature: 1, num_predict: 100, top_k: 3, seed: 7, stop: ['a'] } },
      { model: 'openai:abc:mistral:7b' },
    );
    expect(req).toEqual({ model: 'mistral:7b', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true }, temperature: 1, max_tokens: 100, seed: 7, stop: ['a'] });
  });
});
