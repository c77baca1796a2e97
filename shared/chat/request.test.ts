import { describe, expect, it } from 'vitest';
import { buildChatRequest } from './request.ts';

const messages = [
  { role: 'user' as const, content: 'What is a LEFT JOIN?' },
  { role: 'assistant' as const, content: 'It keeps every row of the left table.' },
  { role: 'user' as const, content: 'And this diagram?', images: ['iVBORw0KGgo='] },
];

describe('buildChatRequest', () => {
  it('sends a preset with its system prompt first and its set parameters', () => {
    const req = buildChatRequest(
      {
        kind: 'preset',
        preset: {
          baseModel: 'qwen2.5:7b',
          system: 'You are a patient SQL tutor.',
          params: {
            temperature: 0.3,
            top_p: 0.9,
            top_k: 40,
            num_ctx: 8192,
            seed: 42,
            stop: ['<|im_end|>'],
            max_tokens: 1024,
            keep_alive: '5m',
            think: false,
            use_mmap: true,
          },
        },
      },
      messages,
    );
    expect(req).toEqual({
      model: 'qwen2.5:7b',
      messages: [
        { role: 'system', content: 'You are a patient SQL tutor.' },
        { role: 'user', content: 'What is a LEFT JOIN?' },
        { role: 'assistant', content: 'It keeps every row of the left table.' },
        { role: 'user', content: 'And this diagram?', images: ['iVBORw0KGgo='] },
      ],
      stream: true,
      options: {
        temperature: 0.3,
        top_p: 0.9,
        top_k: 40,
        num_ctx: 8192,
        seed: 42,
        stop: ['<|im_end|>'],
        num_predict: 1024,
        use_mmap: true,
      },
      keep_alive: '5m',
      think: false,
    });
  });

  it('sends format "json" as a string and a schema text as an object', () => {
    const json = buildChatRequest({ kind: 'preset', preset: { baseModel: 'm', system: '', params: { format: 'json' } } }, [], {
      stream: false,
    });
    expect(json).toEqual({ model: 'm', messages: [], stream: false, format: 'json' });

    const schema = buildChatRequest(
      {
        kind: 'preset',
        preset: { baseModel: 'm', system: '', params: { format: '{\n  "type": "object",\n  "required": ["a"]\n}', think: 'high' } },
      },
      [{ role: 'user', content: 'hi' }],
    );
    expect(schema).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      think: 'high',
      format: { type: 'object', required: ['a'] },
    });
  });

  it('sends nothing left at default: no system message for a blank prompt, no empty options', () => {
    const req = buildChatRequest({ kind: 'preset', preset: { baseModel: 'm', system: '  \n ', params: {} } }, [
      { role: 'user', content: 'hi', images: [] },
    ]);
    expect(req).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    expect('options' in req).toBe(false);
  });

  it('leaves out parameters this build does not know or that are invalid', () => {
    const req = buildChatRequest(
      { kind: 'preset', preset: { baseModel: 'm', system: '', params: { bogus: 1, temperature: 7, keep_alive: 'soon', num_keep: 5 } } },
      [],
    );
    expect(req).toEqual({ model: 'm', messages: [], stream: true, options: { num_keep: 5 } });
  });

  it('sends a base model with no system prompt and no options', () => {
    expect(buildChatRequest({ kind: 'base', model: 'llama3.2:latest' }, messages, { stream: true })).toEqual({
      model: 'llama3.2:latest',
      messages: [
        { role: 'user', content: 'What is a LEFT JOIN?' },
        { role: 'assistant', content: 'It keeps every row of the left table.' },
        { role: 'user', content: 'And this diagram?', images: ['iVBORw0KGgo='] },
      ],
      stream: true,
    });
  });

  it('does not share arrays with its input', () => {
    const input = [{ role: 'user' as const, content: 'x', images: ['a'] }];
    const req = buildChatRequest({ kind: 'base', model: 'm' }, input);
    req.messages[0]!.images!.push('b');
    expect(input[0]!.images).toEqual(['a']);
  });
});
