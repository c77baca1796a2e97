// The OpenAI-compatible mode of the fake: models list, SSE streaming, usage, errors, CORS, key check.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from './index.ts';
import { rawStream } from './test-helpers.ts';
import { createSseParser, parseChunk } from '../../shared/openai/sse.ts';

let fake: FakeOllama;
const KEY = 'sk-test-0123456789';
const auth = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' };

beforeAll(async () => {
  fake = await startFakeOllama({ models: [{ name: 'llama3.2' }], tokensPerSecond: 0 });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.openai.clearScripts();
  fake.openai.setKey(KEY);
  fake.openai.setModels(['gpt-3.5-turbo', 'gpt-4o']);
  fake.openai.setOrigins(['*']);
  fake.clearRequests();
});

const chat = (body: unknown, headers: Record<string, string> = auth) => fetch(`${fake.openai.url}/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body) });

function events(text: string): string[] {
  const p = createSseParser();
  return [...p.push(text), ...p.end()].map((e) => e.data);
}

describe('fake OpenAI mode', () => {
  it('lists its models under the base path, with the Bearer key', async () => {
    expect(fake.openai.url).toBe(`${fake.url}/v1`);
    const res = await fetch(`${fake.openai.url}/models`, { headers: auth });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { object: string; data: Array<{ id: string; object: string }> };
    expect(json.object).toBe('list');
    expect(json.data.map((m) => m.id)).toEqual(['gpt-3.5-turbo', 'gpt-4o']);
    expect(json.data[0]!.object).toBe('model');
    // the Ollama routes are unchanged
    expect((await fetch(`${fake.url}/api/tags`)).status).toBe(200);
  });

  it('refuses a missing or wrong key with 401 and an OpenAI error body', async () => {
    const none = await fetch(`${fake.openai.url}/models`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: unknown } }).error.code).toBeNull();
    const wrong = await fetch(`${fake.openai.url}/models`, { headers: { Authorization: 'Bearer sk-wrong-key-123' } });
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(body.error.message).toMatch(/^Incorrect API key provided: sk-\**-123\./);
    fake.openai.setKey(null);
    expect((await fetch(`${fake.openai.url}/models`)).status).toBe(200);
  });

  it('streams SSE chunks, the usage chunk when asked, then [DONE]; records the request', async () => {
    fake.openai.scriptChat({ content: 'Hello there, friend' });
    const s = await rawStream(`${fake.openai.url}/chat/completions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } }),
    });
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = events(s.text);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => parseChunk(d)!);
    expect(chunks.map((c) => c.content).join('')).toBe('Hello there, friend');
    expect(chunks.at(-2)!.finishReason).toBe('stop');
    expect(chunks.at(-1)!.usage).toEqual({ promptTokens: expect.any(Number) as number, completionTokens: 3 });
    const rec = fake.requests.at(-1)!;
    expect(rec.path).toBe('/v1/chat/completions');
    expect(rec.headers.authorization).toBe(`Bearer ${KEY}`);
    expect((rec.body as { messages: unknown }).messages).toEqual([{ role: 'user', content: 'Hi' }]);
  });

  it('omits usage without stream_options; echoes the last user text by default (text parts and images)', async () => {
    const s = await rawStream(`${fake.openai.url}/chat/completions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } }] }] }),
    });
    const chunks = events(s.text).slice(0, -1).map((d) => parseChunk(d)!);
    expect(chunks.map((c) => c.content).join('')).toBe('You said: Look (1 image)');
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it('splits events across network chunks when asked', async () => {
    fake.openai.scriptChat({ content: 'a b c', chunkBytes: 7 });
    const s = await rawStream(`${fake.openai.url}/chat/completions`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }] }) });
    expect(s.chunks).toBeGreaterThan(10);
    expect(events(s.text).slice(0, -1).map((d) => parseChunk(d)!.content).join('')).toBe('a b c');
  });

  it('streams tool calls as the real API does (id and name first, arguments in pieces) and checks tool turns', async () => {
    fake.openai.scriptChat({ toolCalls: [{ name: 'weather', arguments: { city: 'Paris' } }] });
    const s = await rawStream(`${fake.openai.url}/chat/completions`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }], tools: [] }) });
    const raw = events(s.text).slice(0, -1).map((d) => JSON.parse(d) as { choices: Array<{ delta: { content?: unknown; tool_calls?: Array<Record<string, unknown>> }; finish_reason: string | null }> });
    expect(raw[0]!.choices[0]!.delta.content).toBeNull();
    const pieces = raw.flatMap((c) => c.choices[0]!.delta.tool_calls ?? []);
    expect(pieces[0]).toEqual({ index: 0, id: expect.stringMatching(/^call_/) as string, type: 'function', function: { name: 'weather', arguments: '' } });
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.slice(1).every((p) => p.id === undefined)).toBe(true);
    expect(pieces.map((p) => (p.function as { arguments: string }).arguments).join('')).toBe('{"city":"Paris"}');
    expect(raw.at(-1)!.choices[0]!.finish_reason).toBe('tool_calls');
    const id = pieces[0]!.id as string;

    const call = { id, type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } };
    const good = await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: id, content: 'sunny' }] });
    expect(good.status).toBe(200);
    const orphan = await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: 'sunny' }] });
    expect(orphan.status).toBe(400);
    const unanswered = await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: '', tool_calls: [call] }, { role: 'user', content: 'y' }] });
    expect(unanswered.status).toBe(400);
  });

  it('answers without streaming', async () => {
    const res = await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hey' }] });
    const json = (await res.json()) as { object: string; choices: Array<{ message: { content: string } }> };
    expect(json.object).toBe('chat.completion');
    expect(json.choices[0]!.message.content).toBe('You said: Hey');
  });

  it('errors: unknown model 404, scripted 429 with Retry-After, in-stream error, bad JSON 400', async () => {
    const missing = await chat({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }], stream: true });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('model_not_found');

    fake.openai.scriptChat({ errorBefore: { status: 429, message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded', retryAfter: 7 } });
    const limited = await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], stream: true });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(((await limited.json()) as { error: { message: string } }).error.message).toBe('Rate limit reached');

    fake.openai.scriptChat({ content: 'abcdef ghij', errorAfterChars: { after: 3, message: 'overloaded' } });
    const s = await rawStream(`${fake.openai.url}/chat/completions`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'x' }] }) });
    const data = events(s.text);
    expect(data).not.toContain('[DONE]');
    expect(parseChunk(data.at(-1)!)!.error).toMatchObject({ message: 'overloaded' });

    const bad = await fetch(`${fake.openai.url}/chat/completions`, { method: 'POST', headers: auth, body: '{nope' });
    expect(bad.status).toBe(400);
  });

  it('scripts can target a model', async () => {
    fake.openai.scriptChat({ model: 'gpt-4o', content: 'for four-o' });
    const a = await (await chat({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: 'one' }] })).json();
    const b = await (await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'two' }] })).json();
    expect((a as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('You said: one');
    expect((b as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe('for four-o');
  });

  it('CORS: allowed origins get the header and a preflight answer; others do not', async () => {
    const pre = await fetch(`${fake.openai.url}/chat/completions`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toBe('authorization,content-type');

    fake.openai.setOrigins(['http://good.example']);
    const good = await fetch(`${fake.openai.url}/models`, { headers: { ...auth, Origin: 'http://good.example' } });
    expect(good.headers.get('access-control-allow-origin')).toBe('http://good.example');
    const bad = await fetch(`${fake.openai.url}/models`, { headers: { ...auth, Origin: 'http://bad.example' } });
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    const badPre = await fetch(`${fake.openai.url}/models`, { method: 'OPTIONS', headers: { Origin: 'http://bad.example', 'Access-Control-Request-Method': 'GET' } });
    expect(badPre.status).toBe(400);
    expect(badPre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a configurable base path', async () => {
    const other = await startFakeOllama({ openai: { basePath: 'openai/v1', apiKey: null, models: ['local'] } });
    try {
      expect(other.openai.url).toBe(`${other.url}/openai/v1`);
      const json = (await (await fetch(`${other.openai.url}/models`)).json()) as { data: Array<{ id: string }> };
      expect(json.data.map((m) => m.id)).toEqual(['local']);
      expect((await fetch(`${other.url}/v1/models`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
