import { describe, expect, it } from 'vitest';
import { fromOllamaRequest, toOpenAITools } from './request.ts';
import { parseChunk } from './sse.ts';
import { createToolCallAccumulator } from './tool-calls.ts';

const calcTool = { type: 'function', function: { name: 'calculator', description: 'Arithmetic', parameters: { type: 'object', properties: { expression: { type: 'string' } } } } };

describe('OpenAI tools: request mapping', () => {
  it('sends the tools as OpenAI function tools, dropping malformed ones', () => {
    expect(toOpenAITools([calcTool, { type: 'function' }, null, { function: { name: '' } }])).toEqual([calcTool]);
    const req = fromOllamaRequest({ model: 'openai:c1:gpt-4o', messages: [{ role: 'user', content: 'x' }], tools: [calcTool] });
    expect(req.tools).toEqual([calcTool]);
    expect(fromOllamaRequest({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).tools).toBeUndefined();
  });

  it('maps the tool turns: calls with ids and JSON-text arguments, results by tool_call_id in order', () => {
    const req = fromOllamaRequest({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'Weather in Paris and Lyon, and 6*7?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'call_a', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', function: { name: 'weather', arguments: { city: 'Lyon' } } },
          ],
        },
        { role: 'tool', tool_name: 'weather', content: 'sunny' },
        { role: 'tool', tool_name: 'weather', content: 'rain' },
        // an Ollama-shaped call without an id gets one, and its result the same
        { role: 'assistant', content: 'Now the sum.', tool_calls: [{ function: { name: 'calculator', arguments: { expression: '6*7' } } }] },
        { role: 'tool', tool_name: 'calculator', content: '42' },
      ],
    });
    expect(req.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Lyon, and 6*7?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city":"Lyon"}' } },
        ],
      },
      { role: 'tool', content: 'sunny', tool_call_id: 'call_a' },
      { role: 'tool', content: 'rain', tool_call_id: 'call_b' },
      { role: 'assistant', content: 'Now the sum.', tool_calls: [{ id: 'call_4_0', type: 'function', function: { name: 'calculator', arguments: '{"expression":"6*7"}' } }] },
      { role: 'tool', content: '42', tool_call_id: 'call_4_0' },
    ]);
  });
});

describe('OpenAI tools: streamed tool calls', () => {
  const ev = (delta: unknown, finish: string | null = null) => JSON.stringify({ id: 'x', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });

  it('parses delta.tool_calls fragments and joins them by index, arguments as text pieces', () => {
    const stream = [
      ev({ role: 'assistant', content: null }),
      ev({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '' } }] }),
      ev({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
      ev({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'calculator', arguments: '{"expr' } }] }),
      ev({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Pa' } }] }),
      ev({ tool_calls: [{ index: 1, function: { arguments: 'ession":"1+1"}' } }] }),
      ev({ tool_calls: [{ index: 0, function: { arguments: 'ris"}' } }] }),
      ev({}, 'tool_calls'),
    ].map((d) => parseChunk(d)!);
    expect(stream[2]!.toolCalls).toEqual([{ index: 0, arguments: '{"ci' }]);
    expect(stream[1]!.toolCalls).toEqual([{ index: 0, id: 'call_1', name: 'weather', arguments: '' }]);
    expect(stream.at(-1)!.finishReason).toBe('tool_calls');
    const acc = createToolCallAccumulator();
    for (const c of stream) acc.push(c.toolCalls);
    expect(acc.calls()).toEqual([
      { id: 'call_1', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_2', function: { name: 'calculator', arguments: '{"expression":"1+1"}' } },
    ]);
  });

  it('reads whole calls from a non-streamed message and drops nameless ones', () => {
    const c = parseChunk(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c9', type: 'function', function: { name: 'clock', arguments: {} } }] } }] }))!;
    const acc = createToolCallAccumulator();
    acc.push(c.toolCalls);
    acc.push([{ index: 3, arguments: '{}' }]);
    expect(acc.calls()).toEqual([{ id: 'c9', function: { name: 'clock', arguments: '{}' } }]);
  });
});
