// The fake's simple endpoints, pinned to docs/reference/ollama-wire-format.md with the real ollama-js client and raw fetch.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ollama } from 'ollama/browser';
import { startFakeOllama, type FakeOllama } from './index.ts';
import { postJson } from './test-helpers.ts';

let fake: FakeOllama;
let ollama: Ollama;

const MODELS = [
  { name: 'llama3.2', family: 'llama', parameterSize: '3.2B', quantization: 'Q4_K_M', size: 2019393189, capabilities: ['completion', 'tools'], contextLength: 131072, loaded: true },
  { name: 'nomic-embed-text', family: 'nomic-bert', parameterSize: '137M', quantization: 'F16', capabilities: ['embedding'], contextLength: 2048, embeddingLength: 768 },
  { name: 'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M', capabilities: ['completion'] },
];

beforeAll(async () => {
  fake = await startFakeOllama({ models: MODELS, tokensPerSecond: 0 });
  ollama = new Ollama({ host: fake.url });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.setModels(MODELS);
  fake.clearRequests();
});

describe('general', () => {
  it('GET / answers "Ollama is running" as text', async () => {
    const res = await fetch(fake.url + '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe('Ollama is running');
  });

  it('HEAD / answers 200 without a body', async () => {
    const res = await fetch(fake.url + '/', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('GET /api/version gives exactly {"version":"0.33.0"}', async () => {
    const res = await fetch(fake.url + '/api/version');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.text()).toBe('{"version":"0.33.0"}');
    expect(await ollama.version()).toEqual({ version: '0.33.0' });
  });

  it('an unknown route is a 404 text/plain "404 page not found"', async () => {
    const res = await fetch(fake.url + '/api/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('404 page not found');
  });

  it('a known route with the wrong method is a 405', async () => {
    const res = await fetch(fake.url + '/api/chat');
    expect(res.status).toBe(405);
    expect(await res.text()).toBe('405 method not allowed');
  });

  it('records requests with method, path, headers and parsed body', async () => {
    await ollama.show({ model: 'llama3.2' });
    const r = fake.requests.find((x) => x.path === '/api/show');
    expect(r).toBeDefined();
    expect(r!.method).toBe('POST');
    expect(r!.body).toEqual({ model: 'llama3.2' });
    expect(r!.headers['user-agent']).toMatch(/^ollama-js\/0\.6\.4/);
    expect(typeof r!.time).toBe('number');
    fake.clearRequests();
    expect(fake.requests).toHaveLength(0);
  });
});

describe('GET /api/tags', () => {
  it('lists installed models under their full names, most recent first', async () => {
    const { models } = await ollama.list();
    expect(models.map((m) => m.name)).toEqual([
      'llama3.2:latest',
      'nomic-embed-text:latest',
      'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M',
    ]);
    const m = models[0]!;
    expect(m.model).toBe('llama3.2:latest');
    expect(m.size).toBe(2019393189);
    expect(m.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(m.details).toEqual({
      parent_model: '',
      format: 'gguf',
      family: 'llama',
      families: ['llama'],
      parameter_size: '3.2B',
      quantization_level: 'Q4_K_M',
    });
    expect((m as unknown as { capabilities: string[] }).capabilities).toEqual(['completion', 'tools']);
  });

  it('has the reference field order', async () => {
    const text = await (await fetch(fake.url + '/api/tags')).text();
    expect(text).toMatch(/^\{"models":\[\{"name":"llama3.2:latest","model":"llama3.2:latest","modified_at":"[^"]+","size":2019393189,"digest":"[0-9a-f]{64}","details":\{"parent_model":"","format":"gguf","family":"llama","families":\["llama"\],"parameter_size":"3.2B","quantization_level":"Q4_K_M"\},"capabilities":\["completion","tools"\]\}/);
  });

  it('follows setModels and addModel', async () => {
    fake.setModels([{ name: 'a' }]);
    fake.addModel({ name: 'b:7b' });
    expect(fake.modelNames().sort()).toEqual(['a:latest', 'b:7b']);
    const { models } = await ollama.list();
    expect(models.map((m) => m.name).sort()).toEqual(['a:latest', 'b:7b']);
  });
});

describe('POST /api/show', () => {
  it('describes a model: details, model_info with context length, capabilities, modelfile, template', async () => {
    const s = await ollama.show({ model: 'llama3.2' });
    // ollama-js types model_info as a Map; on the wire it is a JSON object.
    const info = s.model_info as unknown as Record<string, unknown>;
    expect(s.details.family).toBe('llama');
    expect(info['llama.context_length']).toBe(131072);
    expect(info['general.architecture']).toBe('llama');
    expect((s as unknown as { capabilities: string[] }).capabilities).toEqual(['completion', 'tools']);
    expect(s.modelfile).toContain('FROM ');
    expect(s.template).toContain('{{');
    expect(s.parameters).toContain('stop');
    expect(s.modified_at).toBeDefined();
  });

  it('sorts model_info keys like a Go map', async () => {
    const s = await ollama.show({ model: 'nomic-embed-text' });
    const info = s.model_info as unknown as Record<string, unknown>;
    const keys = Object.keys(info);
    expect(keys).toEqual([...keys].sort());
    expect(info['nomic-bert.embedding_length']).toBe(768);
  });

  it('404s with the reference message for an unknown model', async () => {
    const res = await postJson(fake.url + '/api/show', { model: 'x' });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe(`{"error":"model 'x' not found"}`);
    const err = await ollama.show({ model: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ResponseError', status_code: 404, message: "model 'x' not found" });
  });

  it('400s on a missing body', async () => {
    const res = await fetch(fake.url + '/api/show', { method: 'POST' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'missing request body' });
  });
});

describe('GET /api/ps', () => {
  it('lists loaded models with expires_at and size_vram', async () => {
    const { models } = await ollama.ps();
    expect(models.map((m) => m.name)).toEqual(['llama3.2:latest']);
    expect(models[0]).toMatchObject({ model: 'llama3.2:latest', size_vram: 2019393189 });
    expect(new Date(models[0]!.expires_at as unknown as string).getTime()).toBeGreaterThan(Date.now());
  });
});

describe('DELETE /api/delete', () => {
  it('answers 200 with an empty body, then 404 with JSON', async () => {
    const first = await fetch(fake.url + '/api/delete', { method: 'DELETE', body: JSON.stringify({ model: 'llama3.2' }) });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('');
    expect(fake.modelNames()).not.toContain('llama3.2:latest');
    const again = await fetch(fake.url + '/api/delete', { method: 'DELETE', body: JSON.stringify({ model: 'llama3.2' }) });
    expect(again.status).toBe(404);
    expect(await again.text()).toBe(`{"error":"model 'llama3.2' not found"}`);
  });

  it('works with ollama-js (which sends `name`)', async () => {
    await expect(ollama.delete({ model: 'nomic-embed-text' })).resolves.toEqual({ status: 'success' });
    expect(fake.requests.at(-1)?.body).toEqual({ name: 'nomic-embed-text' });
    await expect(ollama.delete({ model: 'nomic-embed-text' })).rejects.toMatchObject({ name: 'ResponseError', status_code: 404 });
  });
});

describe('POST /api/embed', () => {
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

  it('embeds a string into one normalised vector of the model dimension', async () => {
    const r = await ollama.embed({ model: 'nomic-embed-text', input: 'hello world' });
    expect(r.model).toBe('nomic-embed-text');
    expect(r.embeddings).toHaveLength(1);
    expect(r.embeddings[0]).toHaveLength(768);
    expect(norm(r.embeddings[0]!)).toBeCloseTo(1, 4);
    expect(r.prompt_eval_count).toBeGreaterThan(0);
    expect(Number.isInteger(r.total_duration)).toBe(true);
  });

  it('embeds string[] deterministically; shared words mean closer vectors', async () => {
    const r = await ollama.embed({ model: 'nomic-embed-text', input: ['the cat sat', 'the cat sat', 'quantum chromodynamics'] });
    const [a, b, c] = r.embeddings as [number[], number[], number[]];
    expect(a).toEqual(b);
    const again = await ollama.embed({ model: 'nomic-embed-text', input: 'the cat sat' });
    expect(again.embeddings[0]).toEqual(a);
    const near = await ollama.embed({ model: 'nomic-embed-text', input: 'the cat sat down' });
    expect(dot(a, near.embeddings[0]!)).toBeGreaterThan(dot(a, c) + 0.3);
  });

  it('uses each model its own dimension', async () => {
    const r = await ollama.embed({ model: 'llama3.2', input: 'x' });
    expect(r.embeddings[0]).toHaveLength(2048);
  });

  it('rejects a non-string input and an unknown model', async () => {
    const bad = await postJson(fake.url + '/api/embed', { model: 'nomic-embed-text', input: [1, 2] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid input type' });
    await expect(ollama.embed({ model: 'nope', input: 'x' })).rejects.toMatchObject({ name: 'ResponseError', status_code: 404 });
  });
});
