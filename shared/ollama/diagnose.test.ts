import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ollama } from 'ollama/browser';
import { startFakeOllama, type FakeOllama } from '../../tests/fake-ollama/index.ts';
import {
  addressSpace,
  classifyOllamaError,
  diagnose,
  DIAGNOSIS_CODES,
  localNetworkAccessApplies,
  normalizeEndpoint,
  precheckEndpoint,
  shouldProbe,
  type Diagnosis,
  type DiagnoseFacts,
} from './diagnose.ts';

/** What ollama-js throws for a non-2xx answer (its class is not exported). */
function responseError(message: string, status: number): Error {
  const e = new Error(message) as Error & { error: string; status_code: number };
  e.name = 'ResponseError';
  e.error = message;
  e.status_code = status;
  return e;
}

function abortError(): Error {
  return new DOMException('This operation was aborted', 'AbortError');
}

const HTTPS_APP = 'https://atelier.example.com';
const LOCAL_APP = 'http://localhost:5173';
const LOCAL_OLLAMA = 'http://localhost:11434';

function facts(f: Partial<DiagnoseFacts>): DiagnoseFacts {
  return { appOrigin: LOCAL_APP, endpoint: LOCAL_OLLAMA, error: undefined, ...f };
}

describe('classifyOllamaError', () => {
  it.each([
    [responseError("model 'x' not found", 404), 'response'],
    [new TypeError('Failed to fetch'), 'network'],
    [new TypeError('NetworkError when attempting to fetch resource.'), 'network'],
    [new TypeError('Load failed'), 'network'],
    [new TypeError('terminated'), 'network'],
    [abortError(), 'abort'],
    [Object.assign(new Error('aborted'), { name: 'AbortError' }), 'abort'],
    [new DOMException('signal timed out', 'TimeoutError'), 'timeout'],
    [new Error('boom'), 'stream'],
    [new Error('Did not receive done or success response in stream.'), 'stream'],
    [new SyntaxError('Unexpected token < in JSON at position 0'), 'invalid-response'],
    [new TypeError("Cannot read properties of undefined (reading 'x')"), 'unknown'],
    ['a string', 'unknown'],
    [{ name: 'ResponseError' }, 'unknown'],
  ] as const)('%s → %s', (err, cls) => {
    expect(classifyOllamaError(err)).toBe(cls);
  });
});

describe('addressSpace, normalizeEndpoint, localNetworkAccessApplies', () => {
  it.each([
    ['localhost', 'loopback'],
    ['app.localhost', 'loopback'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['[::1]', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['[::]', 'unspecified'],
    ['192.168.1.20', 'private'],
    ['10.0.0.2', 'private'],
    ['172.20.1.1', 'private'],
    ['172.32.1.1', 'public'],
    ['169.254.10.1', 'private'],
    ['[fd00::1]', 'private'],
    ['[fe80::1]', 'private'],
    ['[::ffff:192.168.0.1]', 'private'],
    ['my-box.local', 'private'],
    ['8.8.8.8', 'public'],
    ['atelier.example.com', 'public'],
  ])('%s is %s', (h, space) => {
    expect(addressSpace(h)).toBe(space);
  });

  it('normalises like ollama-js formatHost', () => {
    expect(normalizeEndpoint('localhost')).toBe('http://localhost:11434');
    expect(normalizeEndpoint('192.168.1.5:8000')).toBe('http://192.168.1.5:8000');
    expect(normalizeEndpoint(':11435')).toBe('http://127.0.0.1:11435');
    expect(normalizeEndpoint('https://ollama.example.com/')).toBe('https://ollama.example.com');
    expect(normalizeEndpoint('  ')).toBeNull();
    expect(normalizeEndpoint('http://')).toBeNull();
  });

  it('applies LNA from a public page to private or loopback, and from a private page to loopback', () => {
    expect(localNetworkAccessApplies(HTTPS_APP, LOCAL_OLLAMA)).toBe(true);
    expect(localNetworkAccessApplies(HTTPS_APP, 'https://192.168.1.5:11434')).toBe(true);
    expect(localNetworkAccessApplies('http://192.168.1.10:8080', 'http://localhost:11434')).toBe(true);
    expect(localNetworkAccessApplies('http://192.168.1.10:8080', 'http://192.168.1.10:11434')).toBe(false);
    expect(localNetworkAccessApplies(LOCAL_APP, LOCAL_OLLAMA)).toBe(false);
    expect(localNetworkAccessApplies(HTTPS_APP, 'https://ollama.example.com')).toBe(false);
  });
});

describe('precheckEndpoint', () => {
  const pre = (endpoint: string, app = LOCAL_APP, safari = false) => precheckEndpoint(app, endpoint, { safari });

  it('accepts the usual endpoints', () => {
    for (const e of ['http://localhost:11434', 'localhost:11434', 'http://127.0.0.1:11434', 'http://192.168.1.5:11434', 'https://ollama.example.com/ollama']) {
      expect(pre(e), e).toEqual({ code: 'ok' });
    }
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['ftp://localhost:11434', 'unsupported-scheme'],
    ['ws://localhost:11434', 'unsupported-scheme'],
    ['http://', 'unparsable'],
    ['http://exa mple.com', 'unparsable'],
    ['http://user:secret@localhost:11434', 'credentials'],
    ['http://0.0.0.0:11434', 'unspecified-address'],
    ['http://[::]:11434', 'unspecified-address'],
    ['http://localhost:11434/api', 'api-path'],
    ['http://localhost:11434/api/chat', 'api-path'],
  ] as const)('flags %j as bad-url/%s', (endpoint, reason) => {
    expect(pre(endpoint)).toEqual({ code: 'bad-url', reason, endpoint });
  });

  it('flags mixed content: https app, http endpoint that is not loopback', () => {
    expect(pre('http://192.168.1.5:11434', HTTPS_APP)).toEqual({ code: 'mixed-content', endpoint: 'http://192.168.1.5:11434', appOrigin: HTTPS_APP });
    expect(pre('http://ollama.lan:11434', HTTPS_APP).code).toBe('mixed-content');
  });

  it('lets an https app call http loopback (potentially trustworthy), and anything https', () => {
    for (const e of ['http://localhost:11434', 'http://127.0.0.1:11434', 'http://[::1]:11434', 'https://192.168.1.5:11434']) {
      expect(pre(e, HTTPS_APP), e).toEqual({ code: 'ok' });
    }
  });

  it('flags Safari calling any http endpoint from https, even localhost', () => {
    expect(pre('http://localhost:11434', HTTPS_APP, true)).toEqual({ code: 'safari-https-http', endpoint: 'http://localhost:11434' });
    expect(pre('http://192.168.1.5:11434', HTTPS_APP, true).code).toBe('safari-https-http');
    expect(pre('https://192.168.1.5:11434', HTTPS_APP, true)).toEqual({ code: 'ok' });
    expect(pre('http://localhost:11434', LOCAL_APP, true)).toEqual({ code: 'ok' });
  });
});

describe('diagnose: network failures (TypeError)', () => {
  const netErr = new TypeError('Failed to fetch');

  it('reachable probe → cors with the exact OLLAMA_ORIGINS value', () => {
    const d = diagnose(facts({ appOrigin: 'https://Atelier.Example.com:443', endpoint: 'https://ollama.example.com', error: netErr, probe: 'reachable' }));
    expect(d).toEqual({ code: 'cors', origin: 'https://atelier.example.com', endpoint: 'https://ollama.example.com' });
    const lan = diagnose(facts({ appOrigin: 'http://192.168.1.10:8080', endpoint: 'http://192.168.1.10:11434', error: netErr, probe: 'reachable' }));
    expect(lan).toMatchObject({ code: 'cors', origin: 'http://192.168.1.10:8080' });
  });

  it('unreachable probe → server-down (remote when not loopback)', () => {
    expect(diagnose(facts({ error: netErr, probe: 'unreachable' }))).toEqual({ code: 'server-down', endpoint: LOCAL_OLLAMA, remote: false });
    expect(diagnose(facts({ endpoint: 'http://192.168.1.5:11434', error: netErr, probe: 'unreachable' }))).toMatchObject({ code: 'server-down', remote: true });
  });

  it('no probe → unreachable (down or CORS, cannot tell)', () => {
    expect(diagnose(facts({ error: netErr }))).toEqual({ code: 'unreachable', endpoint: LOCAL_OLLAMA, origin: LOCAL_APP, remote: false });
    expect(diagnose(facts({ error: netErr, probe: 'skipped' })).code).toBe('unreachable');
  });

  it('a refused connection reported by Node (cause ECONNREFUSED) → server-down', () => {
    const e = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(diagnose(facts({ error: e })).code).toBe('server-down');
  });

  it('URL problems explain the TypeError first', () => {
    expect(diagnose(facts({ appOrigin: HTTPS_APP, endpoint: 'http://192.168.1.5:11434', error: netErr, probe: 'reachable' })).code).toBe('mixed-content');
    expect(diagnose(facts({ appOrigin: HTTPS_APP, error: netErr, browser: { safari: true } })).code).toBe('safari-https-http');
    expect(diagnose(facts({ endpoint: 'http://0.0.0.0:11434', error: netErr }))).toMatchObject({ code: 'bad-url', reason: 'unspecified-address' });
  });

  it('Local Network Access denied or not answered, when it applies', () => {
    expect(diagnose(facts({ appOrigin: HTTPS_APP, error: netErr, browser: { chromeLna: 'denied' } }))).toEqual({
      code: 'local-network-access',
      state: 'denied',
      endpoint: LOCAL_OLLAMA,
    });
    expect(diagnose(facts({ appOrigin: HTTPS_APP, error: netErr, browser: { chromeLna: 'prompt' }, probe: 'unreachable' }))).toMatchObject({
      code: 'local-network-access',
      state: 'prompt',
    });
    // Granted: look further.
    expect(diagnose(facts({ appOrigin: HTTPS_APP, error: netErr, browser: { chromeLna: 'granted' }, probe: 'reachable' })).code).toBe('cors');
    // Does not apply (local app → local Ollama).
    expect(diagnose(facts({ error: netErr, browser: { chromeLna: 'denied' }, probe: 'unreachable' })).code).toBe('server-down');
  });

  it('asks for a probe only when it can tell something', () => {
    expect(shouldProbe({ appOrigin: HTTPS_APP, endpoint: 'https://ollama.example.com', error: netErr })).toBe(true);
    expect(shouldProbe({ appOrigin: HTTPS_APP, endpoint: 'http://192.168.1.5:11434', error: netErr })).toBe(false);
    expect(shouldProbe({ appOrigin: LOCAL_APP, endpoint: LOCAL_OLLAMA, error: netErr, streamStarted: true })).toBe(false);
    expect(shouldProbe({ appOrigin: LOCAL_APP, endpoint: LOCAL_OLLAMA, error: responseError('x', 500) })).toBe(false);
  });

  it('a TypeError after the stream started → connection-lost', () => {
    expect(diagnose(facts({ error: new TypeError('network error'), streamStarted: true }))).toEqual({ code: 'connection-lost', endpoint: LOCAL_OLLAMA });
  });
});

describe('diagnose: HTTP answers (ResponseError)', () => {
  it.each<[Error, Partial<DiagnoseFacts>, Diagnosis]>([
    [responseError("model 'llama9' not found", 404), {}, { code: 'model-not-found', model: 'llama9', where: 'local' }],
    [responseError('model "llama9" not found, try pulling it first', 404), {}, { code: 'model-not-found', model: 'llama9', where: 'local' }],
    [responseError('invalid model name', 400), { model: 'bad name' }, { code: 'invalid-model-name', model: 'bad name' }],
    [responseError('"llama3.2" does not support thinking', 400), {}, { code: 'unsupported', model: 'llama3.2', feature: 'thinking' }],
    [responseError('"nomic-embed-text" does not support chat', 400), {}, { code: 'unsupported', model: 'nomic-embed-text', feature: 'chat' }],
    [responseError('registry.ollama.ai/library/gemma:latest does not support tools', 400), {}, { code: 'unsupported', model: 'gemma:latest', feature: 'tools' }],
    [responseError('this model is missing data required for image input', 500), { model: 'llama3.2' }, { code: 'unsupported', model: 'llama3.2', feature: 'vision' }],
    [responseError('server busy, please try again.  maximum pending requests exceeded', 503), {}, { code: 'busy', message: 'server busy, please try again.  maximum pending requests exceeded' }],
    [responseError('Error 403: Forbidden', 403), {}, { code: 'forbidden-host', endpoint: LOCAL_OLLAMA }],
    [responseError('<html>Bad Gateway</html>', 502), {}, { code: 'bad-gateway', status: 502, endpoint: LOCAL_OLLAMA }],
    [responseError('Error 504: Gateway Timeout', 504), {}, { code: 'bad-gateway', status: 504, endpoint: LOCAL_OLLAMA }],
    [responseError('request canceled', 499), {}, { code: 'aborted' }],
    [responseError('404 page not found', 404), { endpoint: 'http://localhost:11434/v1' }, { code: 'bad-url', reason: 'path', endpoint: 'http://localhost:11434/v1' }],
    [responseError('404 page not found', 404), {}, { code: 'http', status: 404, message: '404 page not found' }],
    [responseError('<!DOCTYPE html><title>Not Found</title>', 404), {}, { code: 'not-ollama', endpoint: LOCAL_OLLAMA }],
    [responseError('Error 401: Unauthorized', 401), {}, { code: 'http', status: 401, message: 'Error 401: Unauthorized' }],
    [responseError('llama runner process has terminated: exit status 2', 500), {}, { code: 'http', status: 500, message: 'llama runner process has terminated: exit status 2' }],
  ])('%s', (error, extra, expected) => {
    expect(diagnose(facts({ error, ...extra }))).toEqual(expected);
  });

  it('not-ollama when GET / answered something else', () => {
    expect(diagnose(facts({ error: responseError('Not Found', 404), rootText: '<html>nginx</html>' })).code).toBe('not-ollama');
    expect(diagnose(facts({ error: new SyntaxError('Unexpected token <') })).code).toBe('not-ollama');
    expect(diagnose(facts({ error: undefined, rootText: 'It works!' })).code).toBe('not-ollama');
  });
});

describe('diagnose: streams, aborts and the rest', () => {
  it.each<[unknown, Partial<DiagnoseFacts>, Diagnosis]>([
    [undefined, {}, { code: 'ok' }],
    [undefined, { rootText: 'Ollama is running' }, { code: 'ok' }],
    [new Error('an error was encountered while running the model'), {}, { code: 'stream-error', message: 'an error was encountered while running the model' }],
    [new Error('pull model manifest: file does not exist'), { operation: 'pull', model: 'hf.co/a/b' }, { code: 'model-not-found', model: 'hf.co/a/b', where: 'registry' }],
    [new Error('Did not receive done or success response in stream.'), {}, { code: 'connection-lost', endpoint: LOCAL_OLLAMA }],
    [new Error('server busy, please try again.'), {}, { code: 'busy', message: 'server busy, please try again.' }],
    [abortError(), {}, { code: 'aborted' }],
    [new DOMException('signal timed out', 'TimeoutError'), {}, { code: 'timeout', endpoint: LOCAL_OLLAMA }],
    [new TypeError('x is not a function'), {}, { code: 'unknown', message: 'x is not a function' }],
    ['weird', {}, { code: 'unknown', message: 'weird' }],
  ])('%s', (error, extra, expected) => {
    expect(diagnose(facts({ error, ...extra }))).toEqual(expected);
  });

  it('lists every code it can return', () => {
    expect(new Set(DIAGNOSIS_CODES).size).toBe(DIAGNOSIS_CODES.length);
  });
});

describe('diagnose: real errors thrown by ollama-js against the fake Ollama', () => {
  let fake: FakeOllama;
  let ollama: Ollama;
  const f = (error: unknown, extra: Partial<DiagnoseFacts> = {}) => diagnose(facts({ endpoint: fake.url, error, ...extra }));

  beforeAll(async () => {
    fake = await startFakeOllama({ models: [{ name: 'llama3.2', capabilities: ['completion'] }], tokensPerSecond: 0, pullStepDelayMs: 1 });
    ollama = new Ollama({ host: fake.url });
  });
  afterAll(() => fake.close());

  it('model not installed', async () => {
    const e = await ollama.chat({ model: 'qwen3', messages: [], stream: true }).catch((x: unknown) => x);
    expect(f(e)).toEqual({ code: 'model-not-found', model: 'qwen3', where: 'local' });
  });

  it('thinking on a model without it', async () => {
    const e = await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], think: true }).catch((x: unknown) => x);
    expect(f(e)).toEqual({ code: 'unsupported', model: 'llama3.2', feature: 'thinking' });
  });

  it('busy', async () => {
    fake.scriptChat({ errorBefore: { status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' } });
    const e = await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }] }).catch((x: unknown) => x);
    expect(f(e).code).toBe('busy');
  });

  it('mid-stream error', async () => {
    fake.scriptChat({ content: 'abc def', errorAfterChars: { after: 3, error: 'boom' } });
    const e = await (async () => {
      for await (const _ of await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], stream: true }));
    })().catch((x: unknown) => x);
    expect(f(e, { streamStarted: true })).toEqual({ code: 'stream-error', message: 'boom' });
  });

  it('unknown model to pull', async () => {
    const e = await (async () => {
      for await (const _ of await ollama.pull({ model: 'hf.co/nobody/nothing', stream: true }));
    })().catch((x: unknown) => x);
    expect(f(e, { operation: 'pull', model: 'hf.co/nobody/nothing' })).toEqual({ code: 'model-not-found', model: 'hf.co/nobody/nothing', where: 'registry' });
  });

  it('invalid name to pull', async () => {
    const e = await ollama.pull({ model: 'not a name' }).catch((x: unknown) => x);
    expect(f(e, { operation: 'pull', model: 'not a name' })).toEqual({ code: 'invalid-model-name', model: 'not a name' });
  });

  it('abort', async () => {
    fake.scriptChat({ content: 'a b c d e f g h', tokensPerSecond: 50 });
    const it = await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], stream: true });
    const e = await (async () => {
      for await (const _ of it) it.abort();
    })().catch((x: unknown) => x);
    expect(f(e)).toEqual({ code: 'aborted' });
  });

  it('server down', async () => {
    await fake.setDown(true);
    try {
      const e = await ollama.list().catch((x: unknown) => x);
      expect(classifyOllamaError(e)).toBe('network');
      expect(f(e)).toMatchObject({ code: 'server-down', remote: false });
    } finally {
      await fake.setDown(false);
    }
  });

  it('server gone mid-stream', async () => {
    fake.scriptChat({ content: Array.from({ length: 50 }, (_, i) => `t${i}`).join(' '), tokensPerSecond: 100 });
    let started = false;
    const e = await (async () => {
      for await (const _ of await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], stream: true })) {
        started = true;
        await fake.setDown(true);
      }
    })().catch((x: unknown) => x);
    await fake.setDown(false);
    expect(f(e, { streamStarted: started })).toEqual({ code: 'connection-lost', endpoint: fake.url });
  });
});
