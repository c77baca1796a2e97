import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../../tests/fake-ollama/index.ts';
import { asOllamaClient, createOpenAIClient } from './client.ts';
import { isOllamaError } from '../ollama/client.ts';
import { connectionIdFor, maskKey, type OpenAIConnection } from './connections.ts';

let fake: FakeOllama;
const KEY = 'sk-test-abcdefghij';
const conn = (apiKey = KEY): OpenAIConnection => ({ id: 'c1', name: 'Fake', baseUrl: `${fake.openai.url}/`, apiKey, vision: [] });

beforeAll(async () => {
  fake = await startFakeOllama({ tokensPerSecond: 0 });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.openai.setKey(KEY);
  fake.openai.clearScripts();
  fake.clearRequests();
});

describe('OpenAI-compatible client', () => {
  it('lists models, sending the key only as a Bearer token to its base URL', async () => {
    const client = createOpenAIClient(conn());
    expect(client.endpoint).toBe(fake.openai.url);
    expect((await client.listModels()).map((m) => m.id)).toEqual(['gpt-3.5-turbo', 'gpt-4o']);
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(fake.requests.at(-1)!.path).toBe('/v1/models');
  });

  it('verify diagnoses a wrong key', async () => {
    const r = await createOpenAIClient(conn('sk-wrong-000000')).verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnosis).toMatchObject({ code: 'bad-key', status: 401 });
  });

  it('verify diagnoses nothing answering', async () => {
    const r = await createOpenAIClient({ ...conn(), baseUrl: 'http://127.0.0.1:9/v1' }).verify();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnosis.code).toBe('endpoint-down');
  });

  it('the Ollama-shaped adapter streams chunks split across the network, then a done chunk with usage', async () => {
    fake.openai.scriptChat({ content: 'one two three four', chunkBytes: 5 });
    const client = asOllamaClient(createOpenAIClient(conn()), { vision: () => false });
    const parts = [];
    for await (const p of await client.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], options: { temperature: 0.2, top_k: 5 } })) parts.push(p);
    expect(parts.filter((p) => !p.done).map((p) => p.message.content).join('')).toBe('one two three four');
    const done = parts.at(-1) as unknown as Record<string, unknown>;
    expect(done.done).toBe(true);
    expect(done.eval_count).toBe(4);
    expect(typeof done.eval_duration).toBe('number');
    expect(done.prompt_eval_count).toBeGreaterThan(0);
    const body = fake.requests.at(-1)!.body as Record<string, unknown>;
    expect(body).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true }, temperature: 0.2 });
  });

  it('errors become diagnoses: 429 before the stream, an error event inside it', async () => {
    const client = asOllamaClient(createOpenAIClient(conn()), { vision: () => false });
    fake.openai.scriptChat({ errorBefore: { status: 429, message: 'Rate limit reached', code: 'rate_limit_exceeded', retryAfter: 3 } });
    const e1 = await client.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(isOllamaError(e1) && e1.diagnosis).toMatchObject({ code: 'rate-limited', retryAfterSeconds: 3, message: 'Rate limit reached' });

    fake.openai.scriptChat({ content: 'abc def', errorAfterChars: { after: 3, message: 'overloaded' } });
    let text = '';
    const e2 = await (async () => {
      for await (const p of await client.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })) text += p.message.content;
    })().catch((e: unknown) => e);
    expect(text).toBe('abc');
    expect(await client.diagnoseError(e2)).toEqual({ code: 'endpoint-stream-error', endpoint: fake.openai.url, message: 'overloaded' });

    const e3 = await client.chat({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(isOllamaError(e3) && e3.diagnosis).toMatchObject({ code: 'endpoint-model-not-found', model: 'nope' });
  });

  it('stop aborts the stream', async () => {
    fake.openai.scriptChat({ content: Array.from({ length: 200 }, (_, i) => `w${i}`).join(' '), tokensPerSecond: 50 });
    const ac = new AbortController();
    const client = asOllamaClient(createOpenAIClient(conn()), { vision: () => false });
    let n = 0;
    const err = await (async () => {
      for await (const p of await client.chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }, { signal: ac.signal })) {
        if (!p.done && ++n === 3) ac.abort();
      }
    })().catch((e: unknown) => e);
    expect(await client.diagnoseError(err)).toEqual({ code: 'aborted' });
    await expect.poll(() => fake.inFlight()).toBe(0);
  });

  it('connection ids come from the name, unique, without colons', () => {
    expect(connectionIdFor('LM Studio', [])).toBe('lm-studio');
    expect(connectionIdFor('OpenAI', ['openai'])).toBe('openai-2');
    expect(connectionIdFor('Éléphant: local', [])).toBe('elephant-local');
    expect(connectionIdFor('!!!', [])).toMatch(/^c-[0-9a-f]{6}$/);
  });

  it('keys are shown masked', () => {
    expect(maskKey('sk-proj-abcdefghijklmnop')).toBe('sk-…mnop');
    expect(maskKey('short')).toBe('••••••••');
    expect(maskKey('')).toBe('');
  });
});

describe('OpenAI-compatible tools through the chat client', () => {
  it('runs the tool loop: tools sent, streamed calls joined, results sent back by tool_call_id, round cap kept', async () => {
    const { runToolLoop } = await import('../../shared/tools/loop.ts');
    const client = asOllamaClient(createOpenAIClient(conn()), { vision: () => false });
    const tools = [{ type: 'function', function: { name: 'calculator', description: 'Arithmetic', parameters: { type: 'object', properties: { expression: { type: 'string' } } } } }];
    fake.openai.scriptChat({ toolCalls: [{ name: 'calculator', arguments: { expression: '6 * 7' } }, { name: 'calculator', arguments: { expression: '1 + 1' } }] });
    fake.openai.scriptChat({ content: 'It is 42 (and 2).' });
    const executed: Array<[string, Record<string, unknown>]> = [];
    const result = await runToolLoop({
      request: { model: 'openai:c1:gpt-4o', messages: [{ role: 'user', content: 'What is 6 * 7?' }], tools },
      chat: (b) => client.chat(b as Parameters<typeof client.chat>[0]),
      execute: async (name, args) => {
        executed.push([name, args]);
        return { result: args.expression === '6 * 7' ? '42' : '2', error: false };
      },
    });
    expect(result.content).toBe('It is 42 (and 2).');
    expect(executed).toEqual([
      ['calculator', { expression: '6 * 7' }],
      ['calculator', { expression: '1 + 1' }],
    ]);
    const chats = fake.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as { tools?: unknown; messages: Array<Record<string, unknown>> });
    expect(chats).toHaveLength(2);
    expect(chats[0]!.tools).toEqual(tools);
    const [assistant, r1, r2] = chats[1]!.messages.slice(-3);
    expect(assistant).toMatchObject({ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'calculator', arguments: '{"expression":"6 * 7"}' } }, { type: 'function', function: { arguments: '{"expression":"1 + 1"}' } }] });
    const ids = (assistant!.tool_calls as Array<{ id: string }>).map((c) => c.id);
    expect(ids[0]).toMatch(/^call_fake/);
    expect([r1, r2]).toEqual([
      { role: 'tool', tool_call_id: ids[0], content: '42' },
      { role: 'tool', tool_call_id: ids[1], content: '2' },
    ]);
  });

  it('stops offering tools after the round cap, like for Ollama', async () => {
    const { runToolLoop } = await import('../../shared/tools/loop.ts');
    const client = asOllamaClient(createOpenAIClient(conn()), { vision: () => false });
    const tools = [{ type: 'function', function: { name: 'clock', parameters: { type: 'object', properties: {} } } }];
    for (let i = 0; i < 2; i++) fake.openai.scriptChat({ toolCalls: [{ name: 'clock', arguments: {} }] });
    fake.openai.scriptChat({ content: 'Done.' });
    const result = await runToolLoop({
      request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'time?' }], tools },
      chat: (b) => client.chat(b as Parameters<typeof client.chat>[0]),
      execute: async () => ({ result: 'noon', error: false }),
      maxRounds: 2,
    });
    expect(result).toMatchObject({ content: 'Done.', requests: 3 });
    const bodies = fake.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as { tools?: unknown });
    expect(bodies.map((b) => b.tools !== undefined)).toEqual([true, true, false]);
  });
});
