import { describe, expect, it } from 'vitest';
import { PARAMS, PARAM_KEYS, PARAM_LIST, validateParam, validateParams } from './catalogue.ts';
import { toOllamaParams } from './ollama.ts';

describe('catalogue', () => {
  it('lists every advanced parameter of the reference, once', () => {
    expect(PARAM_LIST.map((s) => s.key)).toEqual([...PARAM_KEYS]);
    expect(new Set(PARAM_KEYS).size).toBe(25);
  });

  it('places parameters in the request as Ollama expects', () => {
    expect(PARAMS.max_tokens.target).toEqual({ where: 'options', name: 'num_predict' });
    expect(PARAMS.temperature.target).toEqual({ where: 'options', name: 'temperature' });
    for (const k of ['keep_alive', 'think', 'format'] as const) {
      expect(PARAMS[k].target).toEqual({ where: 'top-level', name: k });
    }
  });

  it('has the reference ranges and custom start values', () => {
    expect(PARAMS.temperature).toMatchObject({ kind: 'number', min: 0, max: 2, custom: 0.8 });
    expect(PARAMS.top_p).toMatchObject({ min: 0, max: 1, custom: 0.9 });
    expect(PARAMS.top_k).toMatchObject({ kind: 'integer', min: 0, max: 1000, custom: 40 });
    expect(PARAMS.max_tokens).toMatchObject({ kind: 'integer', min: -2, max: 131072, custom: 128 });
    expect(PARAMS.repeat_penalty).toMatchObject({ min: -2, max: 2, custom: 1.1 });
    expect(PARAMS.repeat_last_n).toMatchObject({ min: -1, max: 128, custom: 64 });
    expect(PARAMS.num_ctx).toMatchObject({ min: -1, custom: 2048 });
    expect(PARAMS.num_batch).toMatchObject({ min: 256, max: 8192 });
    expect(PARAMS.mirostat).toMatchObject({ kind: 'enum', options: [0, 1, 2] });
    expect(PARAMS.keep_alive).toMatchObject({ kind: 'duration', custom: '5m' });
  });

  it('every custom start value validates (except the empty stop list, which needs an entry)', () => {
    for (const spec of PARAM_LIST) {
      if (spec.key === 'stop') continue;
      expect(validateParam(spec.key, spec.custom)).toEqual({ ok: true, value: spec.custom });
    }
  });
});

describe('validateParam', () => {
  it('checks ranges and integers', () => {
    expect(validateParam('temperature', 0.7)).toEqual({ ok: true, value: 0.7 });
    expect(validateParam('temperature', 2.5)).toEqual({
      ok: false,
      error: { code: 'param-out-of-range', key: 'temperature', min: 0, max: 2 },
    });
    expect(validateParam('seed', -1)).toEqual({ ok: false, error: { code: 'param-out-of-range', key: 'seed', min: 0, max: Number.MAX_SAFE_INTEGER } });
    expect(validateParam('num_ctx', 4096.5)).toEqual({ ok: false, error: { code: 'param-not-integer', key: 'num_ctx' } });
    expect(validateParam('num_gpu', 999)).toEqual({ ok: true, value: 999 });
    expect(validateParam('num_gpu', -2)).toEqual({ ok: false, error: { code: 'param-out-of-range', key: 'num_gpu', min: -1 } });
    expect(validateParam('max_tokens', -2)).toEqual({ ok: true, value: -2 });
  });

  it('reads numeric strings and refuses other things', () => {
    expect(validateParam('top_k', ' 40 ')).toEqual({ ok: true, value: 40 });
    expect(validateParam('temperature', '1e-1')).toEqual({ ok: true, value: 0.1 });
    expect(validateParam('temperature', 'hot')).toEqual({ ok: false, error: { code: 'param-not-number', key: 'temperature' } });
    expect(validateParam('temperature', '')).toEqual({ ok: false, error: { code: 'param-not-number', key: 'temperature' } });
    expect(validateParam('temperature', true)).toEqual({ ok: false, error: { code: 'param-not-number', key: 'temperature' } });
    expect(validateParam('temperature', Number.NaN)).toEqual({ ok: false, error: { code: 'param-not-number', key: 'temperature' } });
  });

  it('checks mirostat and booleans', () => {
    expect(validateParam('mirostat', 2)).toEqual({ ok: true, value: 2 });
    expect(validateParam('mirostat', 3)).toEqual({ ok: false, error: { code: 'param-not-allowed', key: 'mirostat', allowed: [0, 1, 2] } });
    expect(validateParam('use_mmap', false)).toEqual({ ok: true, value: false });
    expect(validateParam('use_mlock', 'true')).toEqual({ ok: true, value: true });
    expect(validateParam('use_mlock', 1)).toEqual({ ok: false, error: { code: 'param-not-boolean', key: 'use_mlock' } });
  });

  it('checks stop lists', () => {
    expect(validateParam('stop', ['<|im_end|>', '\n\n'])).toEqual({ ok: true, value: ['<|im_end|>', '\n\n'] });
    expect(validateParam('stop', 'a,b, ,c')).toEqual({ ok: true, value: ['a', 'b', 'c'] });
    expect(validateParam('stop', [])).toEqual({ ok: false, error: { code: 'param-list-empty', key: 'stop' } });
    expect(validateParam('stop', ['a', ''])).toEqual({ ok: false, error: { code: 'param-list-item-empty', key: 'stop', index: 1 } });
    expect(validateParam('stop', ['a', 3])).toEqual({ ok: false, error: { code: 'param-not-list', key: 'stop' } });
    expect(validateParam('stop', 3)).toEqual({ ok: false, error: { code: 'param-not-list', key: 'stop' } });
  });

  it('checks keep_alive', () => {
    for (const s of ['5m', '1h30m', '300ms', '-1m', '1.5h', '0s']) expect(validateParam('keep_alive', s)).toEqual({ ok: true, value: s });
    expect(validateParam('keep_alive', '-1')).toEqual({ ok: true, value: -1 });
    expect(validateParam('keep_alive', '0')).toEqual({ ok: true, value: 0 });
    expect(validateParam('keep_alive', 0)).toEqual({ ok: true, value: 0 });
    expect(validateParam('keep_alive', 3600)).toEqual({ ok: true, value: 3600 });
    expect(validateParam('keep_alive', ' 10m ')).toEqual({ ok: true, value: '10m' });
    expect(validateParam('keep_alive', '300')).toEqual({ ok: true, value: 300 });
    for (const bad of ['5 minutes', 'm', '', 'forever', '5d', true, null]) {
      expect(validateParam('keep_alive', bad)).toEqual({ ok: false, error: { code: 'param-bad-duration', key: 'keep_alive' } });
    }
  });

  it('checks think', () => {
    expect(validateParam('think', true)).toEqual({ ok: true, value: true });
    expect(validateParam('think', false)).toEqual({ ok: true, value: false });
    expect(validateParam('think', 'High')).toEqual({ ok: true, value: 'high' });
    expect(validateParam('think', 'max')).toEqual({
      ok: false,
      error: { code: 'param-not-allowed', key: 'think', allowed: [true, false, 'low', 'medium', 'high'] },
    });
  });

  it('checks format: "json" or a JSON schema, stored as normalised text', () => {
    expect(validateParam('format', 'json')).toEqual({ ok: true, value: 'json' });
    expect(validateParam('format', ' JSON ')).toEqual({ ok: true, value: 'json' });
    const schema = { type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] };
    const text = JSON.stringify(schema, null, 2);
    expect(validateParam('format', JSON.stringify(schema))).toEqual({ ok: true, value: text });
    expect(validateParam('format', schema)).toEqual({ ok: true, value: text });
    expect(validateParam('format', '{oops')).toEqual({ ok: false, error: { code: 'param-bad-format', key: 'format' } });
    expect(validateParam('format', '[1]')).toEqual({ ok: false, error: { code: 'param-bad-format', key: 'format' } });
    expect(validateParam('format', 'yaml')).toEqual({ ok: false, error: { code: 'param-bad-format', key: 'format' } });
  });

  it('refuses unknown keys', () => {
    expect(validateParam('num_gqa', 8)).toEqual({ ok: false, error: { code: 'param-unknown', key: 'num_gqa' } });
    expect(validateParam('__proto__', 1)).toEqual({ ok: false, error: { code: 'param-unknown', key: '__proto__' } });
    expect(validateParam('toString', 1)).toEqual({ ok: false, error: { code: 'param-unknown', key: 'toString' } });
  });
});

describe('validateParams', () => {
  it('returns the valid subset and one error per refused key; null means default', () => {
    const r = validateParams({
      temperature: 0.3,
      top_k: 40,
      num_ctx: 'big',
      stop: ['<|im_end|>'],
      seed: null,
      function_calling: 'native',
      keep_alive: '5m',
    });
    expect(r.params).toEqual({ temperature: 0.3, top_k: 40, stop: ['<|im_end|>'], keep_alive: '5m' });
    expect(r.errors).toEqual([
      { key: 'num_ctx', error: { code: 'param-not-number', key: 'num_ctx' } },
      { key: 'function_calling', error: { code: 'param-unknown', key: 'function_calling' } },
    ]);
  });
});

describe('toOllamaParams', () => {
  it('splits options and top-level fields with Ollama names', () => {
    expect(
      toOllamaParams({
        temperature: 0.3,
        max_tokens: 1024,
        stop: ['<|im_end|>'],
        keep_alive: '5m',
        think: 'low',
        format: '{\n  "type": "object"\n}',
      }),
    ).toEqual({
      options: { temperature: 0.3, num_predict: 1024, stop: ['<|im_end|>'] },
      keep_alive: '5m',
      think: 'low',
      format: { type: 'object' },
    });
  });
  it('sends nothing for defaults, skips unknown and invalid values', () => {
    expect(toOllamaParams({})).toEqual({});
    expect(toOllamaParams({ bogus: 1, temperature: 9, format: 'json' })).toEqual({ format: 'json' });
    expect(toOllamaParams({ think: false, keep_alive: 0 })).toEqual({ think: false, keep_alive: 0 });
  });
});
