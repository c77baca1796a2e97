import { describe, expect, it } from 'vitest';
import { diagnoseOpenAI, parseErrorBody, precheckBaseUrl, type OpenAIFailureFacts } from './errors.ts';

const base: OpenAIFailureFacts = { kind: 'response', appOrigin: 'http://localhost:5173', endpoint: 'https://api.openai.com/v1' };
const body = (message: string, type: string, code: string | null) => JSON.stringify({ error: { message, type, param: null, code } });

describe('OpenAI-compatible error classification', () => {
  it('401 is a bad key, with the endpoint’s message', () => {
    const d = diagnoseOpenAI({ ...base, status: 401, body: body('Incorrect API key provided: sk-wrong.', 'invalid_request_error', 'invalid_api_key') });
    expect(d).toEqual({ code: 'bad-key', endpoint: base.endpoint, status: 401, message: 'Incorrect API key provided: sk-wrong.' });
  });

  it('403 is a bad key only when it is about the key or permissions', () => {
    expect(diagnoseOpenAI({ ...base, status: 403, body: body('You lack permission', 'permission_error', null) }).code).toBe('bad-key');
    expect(diagnoseOpenAI({ ...base, status: 403, body: body('Country, region, or territory not supported', 'request_forbidden', 'unsupported_country_region_territory') }).code).toBe('endpoint-http');
  });

  it('429 is rate limited (also the quota), with Retry-After', () => {
    expect(diagnoseOpenAI({ ...base, status: 429, retryAfter: '20', body: body('Rate limit reached for requests', 'requests', 'rate_limit_exceeded') })).toEqual({
      code: 'rate-limited',
      endpoint: base.endpoint,
      message: 'Rate limit reached for requests',
      retryAfterSeconds: 20,
    });
    expect(diagnoseOpenAI({ ...base, status: 429, body: body('You exceeded your current quota', 'insufficient_quota', 'insufficient_quota') }).code).toBe('rate-limited');
  });

  it('404 for a model is model-not-found; other statuses carry the message', () => {
    expect(diagnoseOpenAI({ ...base, model: 'gpt-9', status: 404, body: body('The model `gpt-9` does not exist', 'invalid_request_error', 'model_not_found') })).toEqual({
      code: 'endpoint-model-not-found',
      endpoint: base.endpoint,
      model: 'gpt-9',
      message: 'The model `gpt-9` does not exist',
    });
    expect(diagnoseOpenAI({ ...base, status: 404, body: '<html><body>Not Found</body></html>' })).toEqual({ code: 'endpoint-http', endpoint: base.endpoint, status: 404, message: 'HTTP 404' });
    expect(diagnoseOpenAI({ ...base, status: 500, body: '{"error":"boom"}' })).toEqual({ code: 'endpoint-http', endpoint: base.endpoint, status: 500, message: 'boom' });
    expect(diagnoseOpenAI({ ...base, status: 400, body: '{"detail":"bad"}' })).toMatchObject({ code: 'endpoint-http', message: 'bad' });
  });

  it('network failures: CORS when a no-cors probe got an answer, down otherwise; mixed content; a cut stream', () => {
    const net = { ...base, kind: 'network' as const, endpoint: 'http://127.0.0.1:8080/v1' };
    expect(diagnoseOpenAI({ ...net, probe: 'reachable' })).toEqual({ code: 'endpoint-cors', origin: 'http://localhost:5173', endpoint: net.endpoint });
    expect(diagnoseOpenAI({ ...net, probe: 'unreachable' })).toEqual({ code: 'endpoint-down', endpoint: net.endpoint });
    expect(diagnoseOpenAI({ ...net, appOrigin: 'https://atelier.example', endpoint: 'http://192.168.1.5:1234/v1' }).code).toBe('mixed-content');
    expect(diagnoseOpenAI({ ...net, streamStarted: true }).code).toBe('endpoint-connection-lost');
  });

  it('in-stream errors, aborts and timeouts', () => {
    expect(diagnoseOpenAI({ ...base, kind: 'stream', message: 'slow down', errorCode: 'rate_limit_exceeded' }).code).toBe('rate-limited');
    expect(diagnoseOpenAI({ ...base, kind: 'stream', message: 'overloaded' })).toEqual({ code: 'endpoint-stream-error', endpoint: base.endpoint, message: 'overloaded' });
    expect(diagnoseOpenAI({ ...base, kind: 'abort' })).toEqual({ code: 'aborted' });
    expect(diagnoseOpenAI({ ...base, kind: 'timeout' })).toEqual({ code: 'endpoint-timeout', endpoint: base.endpoint });
  });

  it('base URLs need a scheme and may have any path', () => {
    expect(precheckBaseUrl('http://localhost', 'https://api.openai.com/v1')).toEqual({ code: 'ok' });
    expect(precheckBaseUrl('http://localhost', 'http://localhost:3000/api/v1')).toEqual({ code: 'ok' });
    expect(precheckBaseUrl('http://localhost', 'api.openai.com/v1')).toMatchObject({ code: 'bad-url', reason: 'unparsable' });
    expect(precheckBaseUrl('http://localhost', 'ftp://x/v1')).toMatchObject({ code: 'bad-url', reason: 'unsupported-scheme' });
    expect(precheckBaseUrl('http://localhost', '')).toMatchObject({ code: 'bad-url', reason: 'empty' });
  });

  it('reads error bodies in their usual shapes', () => {
    expect(parseErrorBody(body('m', 't', 'c'))).toEqual({ message: 'm', type: 't', code: 'c' });
    expect(parseErrorBody('{"error":{"message":"x","code":400}}')).toEqual({ message: 'x', code: '400' });
    expect(parseErrorBody('plain text')).toEqual({ message: 'plain text' });
    expect(parseErrorBody('')).toEqual({ message: '' });
  });
});
