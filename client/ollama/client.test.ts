// The Ollama client against the fake Ollama (a real HTTP server), in Node: every error kind of
// ollama-js comes out as an OllamaError with the right diagnosis. CORS, mixed content and the
// browser-only facts are covered in the browser (tests/e2e/connections.spec.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../../tests/fake-ollama/index.ts';
import { createOllamaClient, OllamaError, type OllamaClient } from './client.ts';
import { initialPullProgress, reducePullProgress } from '../../shared/ollama/pull-progress.ts';

let fake: FakeOllama;
let client: OllamaClient;
const HF = 'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M';

async function failure(p: Promise<unknown>): Promise<OllamaError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(OllamaError);
    return e as OllamaError;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  fake = await startFakeOllama({ pullStepDelayMs: 1, pullSteps: 3, tokensPerSecond: 0 });
  client = createOllamaClient(fake.url);
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.setModels([
    { name: 'llama3.2', capabilities: ['completion', 'tools'] },
    { name: 'nomic-embed-text', capabilities: ['embedding'] },
  ]);
  fake.setPullable({ [HF]: { layers: 3, totalBytes: 1_000_000 } });
  fake.clearScripts();
});

describe('ollama client', () => {
  it('verifies a working Ollama', async () => {
    expect(await client.verify()).toEqual({ ok: true, version: '0.33.0', endpoint: fake.url });
  });

  it('lists, shows, and deletes; a missing model is "not found" locally', async () => {
    const list = await client.list();
    expect(list.models.map((m) => m.name).sort()).toEqual(['llama3.2:latest', 'nomic-embed-text:latest']);
    expect((await client.show('llama3.2')).capabilities).toEqual(['completion', 'tools']);
    await client.delete('llama3.2');
    expect(fake.modelNames()).toEqual(['nomic-embed-text:latest']);
    const e = await failure(client.delete('llama3.2'));
    expect(e.diagnosis).toEqual({ code: 'model-not-found', model: 'llama3.2', where: 'local' });
  });

  it('streams a pull through the progress reducer to success', async () => {
    let p = initialPullProgress();
    for await (const ev of await client.pull(HF)) p = reducePullProgress(p, ev, Date.now());
    expect(p.phase).toBe('success');
    expect(p.bytesTotal).toBe(1_000_000);
    expect(fake.modelNames()).toContain(HF);
  });

  it('turns the in-stream error of an unknown model into "not found in the registry"', async () => {
    const stream = await client.pull('nosuchmodel');
    const e = await failure((async () => {
      for await (const _ of stream) void _;
    })());
    expect(e.diagnosis).toEqual({ code: 'model-not-found', model: 'nosuchmodel', where: 'registry' });
  });

  it('reports an invalid name (400 before the stream)', async () => {
    const e = await failure(client.pull('bad name!'));
    expect(e.diagnosis).toEqual({ code: 'invalid-model-name', model: 'bad name!' });
  });

  it('aborts a pull (signal before or during the stream) as "aborted"', async () => {
    fake.setPullable({ [HF]: { layers: 1, totalBytes: 1000, steps: 100, stepDelayMs: 50 } });
    const ac = new AbortController();
    const stream = await client.pull(HF, { signal: ac.signal });
    const e = await failure((async () => {
      for await (const ev of stream) if (ev.completed) ac.abort();
    })());
    expect(e.diagnosis).toEqual({ code: 'aborted' });
    await expect.poll(() => fake.inFlight()).toBe(0);

    const early = new AbortController();
    early.abort();
    expect((await failure(client.pull(HF, { signal: early.signal }))).diagnosis).toEqual({ code: 'aborted' });
  });

  it('diagnoses chat errors before and inside the stream', async () => {
    fake.scriptChat({ errorBefore: { status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' } });
    const busy = await failure(client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] }));
    expect(busy.diagnosis.code).toBe('busy');

    fake.scriptChat({ content: 'abc def', errorAfterChars: { after: 4, error: 'boom' } });
    const stream = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    const e = await failure((async () => {
      for await (const part of stream) text += part.message.content;
    })());
    expect(text).toBe('abc ');
    expect(e.diagnosis).toEqual({ code: 'stream-error', message: 'boom' });

    const missing = await failure(client.chat({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }));
    expect(missing.diagnosis).toMatchObject({ code: 'model-not-found', where: 'local' });

    const noChat = await failure(client.chatOnce({ model: 'nomic-embed-text', messages: [{ role: 'user', content: 'hi' }] }));
    expect(noChat.diagnosis).toMatchObject({ code: 'unsupported', feature: 'chat' });
  });

  it('stops the request when the consumer leaves the loop early', async () => {
    fake.setPullable({ [HF]: { layers: 1, totalBytes: 1000, steps: 100, stepDelayMs: 50 } });
    for await (const ev of await client.pull(HF)) if (ev.completed) break;
    await expect.poll(() => fake.inFlight()).toBe(0);
    expect(fake.modelNames()).not.toContain(HF);
  });

  it('embeds', async () => {
    const r = await client.embed({ model: 'nomic-embed-text', input: ['a', 'b'] });
    expect(r.embeddings).toHaveLength(2);
  });

  it('reports a server that is down, and a wrong URL before any request', async () => {
    await fake.setDown(true);
    try {
      const r = await client.verify();
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.diagnosis).toMatchObject({ code: 'server-down', endpoint: fake.url, remote: false });
      const e = await failure(client.list());
      expect(e.diagnosis.code).toBe('server-down');
    } finally {
      await fake.setDown(false);
    }
    expect(await createOllamaClient(`${fake.url}/api`).verify()).toMatchObject({ ok: false, diagnosis: { code: 'bad-url', reason: 'api-path' } });
    expect(await createOllamaClient('').verify()).toMatchObject({ ok: false, diagnosis: { code: 'bad-url', reason: 'empty' } });
    expect((await failure(createOllamaClient('http://[nope').list())).diagnosis).toMatchObject({ code: 'bad-url' });
  });

  it('recognises a server that is not Ollama', async () => {
    const { createServer } = await import('node:http');
    const other = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Not found</title>');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const port = (other.address() as { port: number }).port;
    try {
      const r = await createOllamaClient(`http://127.0.0.1:${port}`).verify();
      expect(r).toMatchObject({ ok: false, diagnosis: { code: 'not-ollama' } });
    } finally {
      other.close();
    }
  });
});
