// /api/chat and /api/generate of the fake, pinned to docs/reference/ollama-wire-format.md.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ollama, type ChatResponse } from 'ollama/browser';
import { startFakeOllama, type FakeOllama } from './index.ts';
import { collect, postJson, rawStream, RFC3339_NANO_UTC } from './test-helpers.ts';

let fake: FakeOllama;
let ollama: Ollama;

const MODELS = [
  { name: 'llama3.2', capabilities: ['completion', 'tools'] },
  { name: 'qwen3:4b', family: 'qwen3', capabilities: ['completion', 'tools', 'thinking'] },
  { name: 'llava', capabilities: ['completion', 'vision'] },
  { name: 'nomic-embed-text', capabilities: ['embedding'] },
];

const FINAL_KEYS = [
  'model',
  'created_at',
  'message',
  'done',
  'done_reason',
  'total_duration',
  'load_duration',
  'prompt_eval_count',
  'prompt_eval_duration',
  'eval_count',
  'eval_duration',
];

const user = (content: string) => [{ role: 'user', content }];

beforeAll(async () => {
  fake = await startFakeOllama({ models: MODELS, tokensPerSecond: 0 });
  ollama = new Ollama({ host: fake.url });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clearScripts();
  fake.setModels(MODELS);
  fake.setTokensPerSecond(0);
});

describe('POST /api/chat streaming', () => {
  it('streams NDJSON lines, each ending in \\n, then a done line with integer metrics', async () => {
    fake.scriptChat({ content: 'The sky is blue.' });
    const r = await rawStream(fake.url + '/api/chat', {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', messages: user('Why is the sky blue?') }),
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-ndjson');
    expect(r.tail).toBe('');
    const objs = r.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const chunks = objs.slice(0, -1);
    const last = objs.at(-1)!;
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(Object.keys(c)).toEqual(['model', 'created_at', 'message', 'done']);
      expect(c.model).toBe('llama3.2');
      expect(c.created_at).toMatch(RFC3339_NANO_UTC);
      expect(c.done).toBe(false);
      expect(Object.keys(c.message as object)).toEqual(['role', 'content']);
    }
    expect(chunks.map((c) => (c.message as { content: string }).content).join('')).toBe('The sky is blue.');
    expect(Object.keys(last)).toEqual(FINAL_KEYS);
    expect(last.message).toEqual({ role: 'assistant', content: '' });
    expect(last.done_reason).toBe('stop');
    for (const k of FINAL_KEYS.slice(5)) {
      expect(Number.isInteger(last[k]), k).toBe(true);
      expect(last[k] as number).toBeGreaterThan(0);
    }
    expect(last.eval_count).toBe(chunks.length);
    expect(r.lines.at(-1)).toMatch(/^\{"model":"llama3.2","created_at":"[^"]+","message":\{"role":"assistant","content":""\},"done":true,"done_reason":"stop","total_duration":\d+,/);
  });

  it('streams by default when `stream` is absent, single JSON with stream:false', async () => {
    const single = await postJson(fake.url + '/api/chat', { model: 'llama3.2', messages: user('hi'), stream: false });
    expect(single.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await single.json()) as ChatResponse;
    expect(body.message).toEqual({ role: 'assistant', content: 'You said: hi' });
    expect(body.done).toBe(true);
    expect(body.done_reason).toBe('stop');
    const viaClient = await ollama.chat({ model: 'llama3.2', messages: user('hey') });
    expect(viaClient.message.content).toBe('You said: hey');
  });

  it('by default echoes the last user message, through ollama-js', async () => {
    const it = await ollama.chat({
      model: 'llama3.2',
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'second one' },
      ],
      stream: true,
    });
    const parts = await collect(it);
    expect(parts.map((p) => p.message.content).join('')).toBe('You said: second one');
    expect(parts.at(-1)!.done).toBe(true);
  });

  it('escapes <, > and & like Go', async () => {
    fake.scriptChat({ content: 'a<b>&c' });
    const r = await rawStream(fake.url + '/api/chat', { method: 'POST', body: JSON.stringify({ model: 'llama3.2', messages: user('x') }) });
    expect(r.text).toContain('a\\u003cb\\u003e\\u0026c');
  });

  it('paces tokens so the client sees a growing answer', async () => {
    fake.scriptChat({ content: Array.from({ length: 12 }, (_, i) => `w${i}`).join(' '), tokensPerSecond: 100 });
    const seen: Array<{ t: number; len: number }> = [];
    const t0 = Date.now();
    let text = '';
    for await (const p of await ollama.chat({ model: 'llama3.2', messages: user('x'), stream: true })) {
      text += p.message.content;
      seen.push({ t: Date.now() - t0, len: text.length });
    }
    expect(text).toBe('w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11');
    expect(seen.at(-1)!.t - seen[0]!.t).toBeGreaterThanOrEqual(80);
    const lengths = new Set(seen.map((s) => s.len));
    expect(lengths.size).toBeGreaterThan(10);
  });

  it('handles lines split across network chunks, even inside a UTF-8 character', async () => {
    const content = 'héllo wörld 🎉 ça';
    fake.scriptChat({ content, chunkBytes: 7 });
    const raw = await rawStream(fake.url + '/api/chat', { method: 'POST', body: JSON.stringify({ model: 'llama3.2', messages: user('x') }) });
    expect(raw.chunks).toBeGreaterThan(raw.lines.length);
    const joined = raw.lines.map((l) => JSON.parse(l) as ChatResponse).map((p) => p.message.content).join('');
    expect(joined).toBe(content);
    fake.scriptChat({ content, chunkBytes: 5 });
    const parts = await collect(await ollama.chat({ model: 'llama3.2', messages: user('x'), stream: true }));
    expect(parts.map((p) => p.message.content).join('')).toBe(content);
  });

  it('applies a script only to its model', async () => {
    fake.scriptChat({ model: 'qwen3:4b', content: 'from qwen', thinking: '' });
    const a = await ollama.chat({ model: 'llama3.2', messages: user('x') });
    expect(a.message.content).toBe('You said: x');
    const b = await ollama.chat({ model: 'qwen3:4b', messages: user('x'), think: false });
    expect(b.message.content).toBe('from qwen');
  });

  it('answers done_reason "load" for empty messages and cuts at num_predict with "length"', async () => {
    const load = await ollama.chat({ model: 'llama3.2', messages: [] });
    expect(load.done_reason).toBe('load');
    fake.scriptChat({ content: 'one two three four five' });
    const cut = await ollama.chat({ model: 'llama3.2', messages: user('x'), options: { num_predict: 2 } });
    expect(cut.message.content).toBe('one two');
    expect(cut.done_reason).toBe('length');
  });

  it('marks the model loaded in /api/ps', async () => {
    await ollama.chat({ model: 'llava', messages: user('x') });
    const { models } = await ollama.ps();
    expect(models.map((m) => m.name)).toContain('llava:latest');
  });
});

describe('thinking', () => {
  it('sends thinking chunks first, with empty content, for thinking models', async () => {
    fake.scriptChat({ thinking: 'Let me think.', content: 'Done.' });
    const parts = await collect(await ollama.chat({ model: 'qwen3:4b', messages: user('x'), stream: true }));
    const firstContent = parts.findIndex((p) => p.message.content !== '');
    const thinkingParts = parts.filter((p) => p.message.thinking);
    expect(thinkingParts.length).toBeGreaterThan(0);
    expect(parts.findLastIndex((p) => !!p.message.thinking)).toBeLessThan(firstContent);
    for (const p of thinkingParts) expect(p.message.content).toBe('');
    expect(thinkingParts.map((p) => p.message.thinking).join('')).toBe('Let me think.');
    expect(parts.map((p) => p.message.content).join('')).toBe('Done.');
  });

  it('puts thinking in the line before content in the reference order', async () => {
    fake.scriptChat({ thinking: 'Hmm', content: 'Yes' });
    const r = await rawStream(fake.url + '/api/chat', { method: 'POST', body: JSON.stringify({ model: 'qwen3:4b', messages: user('x') }) });
    expect(r.lines[0]).toMatch(/^\{"model":"qwen3:4b","created_at":"[^"]+","message":\{"role":"assistant","content":"","thinking":"Hmm"\},"done":false\}$/);
  });

  it('think:false disables thinking; stream:false joins it', async () => {
    fake.scriptChat({ thinking: 'secret', content: 'visible' });
    const off = await ollama.chat({ model: 'qwen3:4b', messages: user('x'), think: false });
    expect(off.message.thinking).toBeUndefined();
    expect(off.message.content).toBe('visible');
    fake.scriptChat({ thinking: 'a b c', content: 'd' });
    const on = await ollama.chat({ model: 'qwen3:4b', messages: user('x') });
    expect(on.message.thinking).toBe('a b c');
  });

  it('refuses think:true for a model without thinking', async () => {
    const err = await ollama.chat({ model: 'llama3.2', messages: user('x'), think: true, stream: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ResponseError', status_code: 400, message: '"llama3.2" does not support thinking' });
  });
});

describe('tool calls', () => {
  const tools = [
    {
      type: 'function',
      function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    },
  ];

  it('sends a done:false line with empty content and tool_calls (id, index, object arguments)', async () => {
    fake.scriptChat({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Tokyo' } }] });
    const r = await rawStream(fake.url + '/api/chat', {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', messages: user('weather?'), tools }),
    });
    const line = r.lines.find((l) => l.includes('tool_calls'))!;
    expect(line).toMatch(
      /^\{"model":"llama3.2","created_at":"[^"]+","message":\{"role":"assistant","content":"","tool_calls":\[\{"id":"call_[a-z0-9]{8}","function":\{"index":0,"name":"get_weather","arguments":\{"city":"Tokyo"\}\}\}\]\},"done":false\}$/,
    );
    expect(JSON.parse(r.lines.at(-1)!)).toMatchObject({ done: true });
  });

  it('reaches ollama-js, and stream:false keeps them', async () => {
    fake.scriptChat({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_weather', arguments: { city: 'Lyon' } }] });
    const parts = await collect(await ollama.chat({ model: 'llama3.2', messages: user('x'), tools, stream: true }));
    const calls = parts.flatMap((p) => p.message.tool_calls ?? []);
    expect(calls.map((c) => c.function.arguments)).toEqual([{ city: 'Paris' }, { city: 'Lyon' }]);
    fake.scriptChat({ content: 'Let me check.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const single = await ollama.chat({ model: 'llama3.2', messages: user('x'), tools });
    expect(single.message.content).toBe('Let me check.');
    expect(single.message.tool_calls?.[0]?.function).toMatchObject({ name: 'get_weather', arguments: { city: 'Oslo' } });
  });

  it('refuses tools for a model without the tools capability', async () => {
    const res = await postJson(fake.url + '/api/chat', { model: 'llava', messages: user('x'), tools });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'registry.ollama.ai/library/llava:latest does not support tools' });
  });
});

describe('errors', () => {
  it('404s an unknown model before streaming (ResponseError with status_code)', async () => {
    const res = await postJson(fake.url + '/api/chat', { model: 'nope', messages: user('x') });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe(`{"error":"model 'nope' not found"}`);
    const err = await ollama.chat({ model: 'nope', messages: user('x'), stream: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ResponseError', status_code: 404, error: "model 'nope' not found" });
  });

  it('uses the scripted status before streaming (503 busy)', async () => {
    fake.scriptChat({ errorBefore: { status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' } });
    const err = await ollama.chat({ model: 'llama3.2', messages: user('x'), stream: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ResponseError', status_code: 503 });
  });

  it('400s bad bodies, a missing model, an embedding-only model', async () => {
    const bad = await fetch(fake.url + '/api/chat', { method: 'POST', body: '{"model":' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'unexpected EOF' });
    const noModel = await postJson(fake.url + '/api/chat', { messages: user('x') });
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toEqual({ error: 'model is required' });
    const embed = await postJson(fake.url + '/api/chat', { model: 'nomic-embed-text', messages: user('x') });
    expect(embed.status).toBe(400);
    expect(await embed.json()).toEqual({ error: '"nomic-embed-text" does not support chat' });
  });

  it('500s images sent to a model without vision', async () => {
    const res = await postJson(fake.url + '/api/chat', { model: 'llama3.2', messages: [{ role: 'user', content: 'x', images: ['iVBORw0KGgo='] }] });
    expect(res.status).toBe(500);
    const ok = await postJson(fake.url + '/api/chat', { model: 'llava', stream: false, messages: [{ role: 'user', content: 'x', images: ['iVBORw0KGgo='] }] });
    expect(ok.status).toBe(200);
  });

  it('ends a stream that fails midway with an {"error"} line and no done line', async () => {
    fake.scriptChat({ content: 'abcdef ghijkl', errorAfterChars: { after: 8, error: 'an error was encountered while running the model' } });
    const r = await rawStream(fake.url + '/api/chat', { method: 'POST', body: JSON.stringify({ model: 'llama3.2', messages: user('x') }) });
    expect(r.status).toBe(200);
    expect(r.lines.at(-1)).toBe('{"error":"an error was encountered while running the model"}');
    expect(r.tail).toBe('');
    const objs = r.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objs.some((o) => o.done === true)).toBe(false);
    expect(objs.slice(0, -1).map((o) => (o.message as { content: string }).content).join('')).toBe('abcdef g');
  });

  it('surfaces a mid-stream error in ollama-js as a plain Error after the first parts', async () => {
    fake.scriptChat({ content: 'one two three', errorAfterChars: { after: 4, error: 'boom' } });
    const got: string[] = [];
    const err = await (async () => {
      for await (const p of await ollama.chat({ model: 'llama3.2', messages: user('x'), stream: true })) got.push(p.message.content);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('Error');
    expect((err as Error).message).toBe('boom');
    expect(got.join('')).toBe('one ');
  });

  it('answers 500 when a stream fails before its first byte', async () => {
    fake.scriptChat({ content: 'x', errorAfterChars: { after: 0, error: 'model runner crashed' } });
    const res = await postJson(fake.url + '/api/chat', { model: 'llama3.2', messages: user('x') });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'model runner crashed' });
  });
});

describe('abort', () => {
  it('the client aborting ends generation', async () => {
    fake.scriptChat({ content: Array.from({ length: 200 }, (_, i) => `t${i}`).join(' '), tokensPerSecond: 50 });
    const it = await ollama.chat({ model: 'llama3.2', messages: user('x'), stream: true });
    let n = 0;
    const err = await (async () => {
      for await (const _ of it) {
        if (++n === 2) it.abort();
      }
    })().catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    expect(n).toBeLessThan(5);
    // The server stops generating.
    await expect.poll(() => fake.inFlight()).toBe(0);
    // The server is free for the next request at once.
    const next = await ollama.chat({ model: 'llama3.2', messages: user('after') });
    expect(next.message.content).toBe('You said: after');
  });
});

describe('POST /api/generate', () => {
  it('streams `response` chunks and a done line with context and metrics', async () => {
    fake.scriptChat({ content: 'Once upon a time' });
    const r = await rawStream(fake.url + '/api/generate', { method: 'POST', body: JSON.stringify({ model: 'llama3.2', prompt: 'Tell a story' }) });
    const objs = r.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(Object.keys(objs[0]!)).toEqual(['model', 'created_at', 'response', 'done']);
    expect(objs.slice(0, -1).map((o) => o.response).join('')).toBe('Once upon a time');
    const last = objs.at(-1)!;
    expect(Object.keys(last)).toEqual(['model', 'created_at', 'response', 'done', 'done_reason', 'context', ...FINAL_KEYS.slice(5)]);
    expect(Array.isArray(last.context)).toBe(true);
  });

  it('works through ollama-js, with thinking for thinking models', async () => {
    const plain = await ollama.generate({ model: 'llama3.2', prompt: 'ping' });
    expect(plain.response).toBe('You said: ping');
    fake.scriptChat({ thinking: 'hmm', content: 'pong' });
    const parts = await collect(await ollama.generate({ model: 'qwen3:4b', prompt: 'ping', stream: true }));
    expect(parts.map((p) => p.thinking ?? '').join('')).toBe('hmm');
    expect(parts.map((p) => p.response).join('')).toBe('pong');
  });

  it('404s an unknown model and answers "load" for an empty prompt', async () => {
    await expect(ollama.generate({ model: 'nope', prompt: 'x' })).rejects.toMatchObject({ status_code: 404 });
    const load = await ollama.generate({ model: 'llama3.2', prompt: '' });
    expect(load.done_reason).toBe('load');
  });
});
