// /api/pull of the fake, pinned to docs/reference/ollama-wire-format.md.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ollama, type ProgressResponse } from 'ollama/browser';
import { startFakeOllama, type FakeOllama } from './index.ts';
import { collect, postJson, rawStream } from './test-helpers.ts';

let fake: FakeOllama;
let ollama: Ollama;

const HF = 'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M';

beforeAll(async () => {
  fake = await startFakeOllama({ models: [{ name: 'llama3.2' }], pullStepDelayMs: 1, pullSteps: 3 });
  ollama = new Ollama({ host: fake.url });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.setModels([{ name: 'llama3.2' }]);
  fake.setPullable({
    [HF]: { layers: 3, totalBytes: 1_000_000 },
    'hf.co/unsloth/gemma-3-270m-it-GGUF': { layers: 2, totalBytes: 5000 },
  });
  fake.clearRequests();
});

function pullRaw(body: unknown) {
  return rawStream(fake.url + '/api/pull', { method: 'POST', body: JSON.stringify(body) });
}

describe('POST /api/pull', () => {
  it('streams the reference sequence in order', async () => {
    const r = await pullRaw({ model: HF });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-ndjson');
    expect(r.tail).toBe('');
    const objs = r.lines.map((l) => JSON.parse(l) as ProgressResponse);
    expect(r.lines[0]).toBe('{"status":"pulling manifest"}');
    expect(r.lines.slice(-3)).toEqual(['{"status":"verifying sha256 digest"}', '{"status":"writing manifest"}', '{"status":"success"}']);

    const layerLines = objs.slice(1, -3);
    const digests = [...new Set(layerLines.map((o) => o.digest))];
    expect(digests).toHaveLength(3);
    let total = 0;
    for (const d of digests) {
      expect(d).toMatch(/^sha256:[0-9a-f]{64}$/);
      const lines = r.lines.slice(1, -3).filter((l) => l.includes(d));
      const parsed = lines.map((l) => JSON.parse(l) as ProgressResponse);
      // One status per layer: "pulling " + 12 hex chars of the digest.
      for (const p of parsed) expect(p.status).toBe(`pulling ${d.slice(7, 19)}`);
      // `completed` is omitted while 0, then grows up to total.
      expect(lines[0]).toBe(`{"status":"pulling ${d.slice(7, 19)}","digest":"${d}","total":${parsed[0]!.total}}`);
      const completed = parsed.slice(1).map((p) => p.completed);
      expect(completed.length).toBe(3);
      expect(completed).toEqual([...completed].sort((a, b) => a - b));
      expect(completed.at(-1)).toBe(parsed[0]!.total);
      total += parsed[0]!.total;
    }
    expect(total).toBe(1_000_000);
    // Layers come one after the other, not interleaved.
    const order = layerLines.map((o) => o.digest);
    expect(order).toEqual([...order].sort((a, b) => digests.indexOf(a) - digests.indexOf(b)));
  });

  it('lists the model under its full name afterwards; the tag defaults to latest', async () => {
    await pullRaw({ model: HF });
    await pullRaw({ model: 'hf.co/unsloth/gemma-3-270m-it-GGUF' });
    const { models } = await ollama.list();
    const names = models.map((m) => m.name);
    expect(names).toContain(HF);
    expect(names).toContain('hf.co/unsloth/gemma-3-270m-it-GGUF:latest');
    expect(models.find((m) => m.name === HF)!.details.quantization_level).toBe('Q4_K_M');
  });

  it('works through ollama-js (which sends `name`)', async () => {
    const parts = await collect(await ollama.pull({ model: HF, stream: true }));
    expect(fake.requests.find((r) => r.path === '/api/pull')!.body).toMatchObject({ name: HF, stream: true });
    expect(parts[0]!.status).toBe('pulling manifest');
    expect(parts.at(-1)!.status).toBe('success');
    expect(fake.modelNames()).toContain(HF);
  });

  it('fails an unknown model inside a 200 stream', async () => {
    const r = await pullRaw({ model: 'hf.co/nobody/nothing' });
    expect(r.status).toBe(200);
    expect(r.lines).toEqual(['{"status":"pulling manifest"}', '{"error":"pull model manifest: file does not exist"}']);
    const err = await (async () => collect(await ollama.pull({ model: 'nothing-here', stream: true })))().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('Error');
    expect((err as Error).message).toBe('pull model manifest: file does not exist');
  });

  it('400s an invalid name before streaming', async () => {
    for (const model of ['bad name!', '', 'a/b/c/d/e', 'hf.co/user.name/repo']) {
      const res = await postJson(fake.url + '/api/pull', { model });
      expect(res.status, model).toBe(400);
      expect(await res.text()).toBe('{"error":"invalid model name"}');
    }
    const err = await ollama.pull({ model: 'bad name!', stream: true }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ResponseError', status_code: 400, message: 'invalid model name' });
  });

  it('answers one final object with stream:false', async () => {
    const res = await postJson(fake.url + '/api/pull', { model: HF, stream: false });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"status":"success"}');
    const failed = await postJson(fake.url + '/api/pull', { model: 'unknown-model', stream: false });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'pull model manifest: file does not exist' });
  });

  it('can stop short of total and announce removed layers', async () => {
    fake.setPullable({ 'tiny:1b': { layers: 1, totalBytes: 10_000, stopShortOfTotal: true, removesUnusedLayers: true } });
    const r = await pullRaw({ name: 'tiny:1b' });
    const objs = r.lines.map((l) => JSON.parse(l) as ProgressResponse);
    const last = objs.filter((o) => o.digest).at(-1)!;
    expect(last.completed).toBeLessThan(last.total);
    expect(objs.map((o) => o.status).slice(-2)).toEqual(['removing unused layers', 'success']);
  });

  it('re-pulling an installed model reports its layers complete at once', async () => {
    const r = await pullRaw({ model: 'llama3.2' });
    const layer = r.lines.map((l) => JSON.parse(l) as ProgressResponse).filter((o) => o.digest);
    for (const o of layer) expect(o.completed).toBe(o.total);
    expect(JSON.parse(r.lines.at(-1)!)).toEqual({ status: 'success' });
  });

  it('a client abort stops the pull and the model is not added', async () => {
    fake.setPullable({ [HF]: { layers: 2, totalBytes: 1_000_000, steps: 50, stepDelayMs: 20 } });
    const it = await ollama.pull({ model: HF, stream: true });
    let n = 0;
    const err = await (async () => {
      for await (const p of it) {
        if (p.completed && ++n === 2) it.abort();
      }
    })().catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
    await expect.poll(() => fake.inFlight()).toBe(0);
    expect(fake.modelNames()).not.toContain(HF);
  });
});
