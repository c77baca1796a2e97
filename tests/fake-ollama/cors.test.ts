// CORS, Host checks and "server down" of the fake, as Ollama (gin-contrib/cors + allowedHostsMiddleware) behaves.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ollama } from 'ollama/browser';
import { ACCESS_CONTROL_ALLOW_HEADERS, startFakeOllama, type FakeOllama } from './index.ts';
import { nodeRequest } from './test-helpers.ts';

let fake: FakeOllama;

beforeAll(async () => {
  fake = await startFakeOllama({ models: [{ name: 'llama3.2' }], tokensPerSecond: 0 });
});
afterAll(() => fake.close());
beforeEach(() => fake.setOrigins([], true));

function preflight(origin: string, path = '/api/chat') {
  return fetch(fake.url + path, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,user-agent' },
  });
}

function post(origin: string | undefined, path = '/api/chat') {
  return fetch(fake.url + path, {
    method: 'POST',
    headers: origin ? { Origin: origin } : {},
    body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], stream: false }),
  });
}

describe('allowed origins', () => {
  it('answers an allowed preflight with 204 and the CORS headers', async () => {
    const res = await preflight('http://localhost:5173');
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,PATCH,DELETE,HEAD');
    expect(res.headers.get('access-control-allow-headers')).toBe(ACCESS_CONTROL_ALLOW_HEADERS);
    expect(ACCESS_CONTROL_ALLOW_HEADERS.startsWith('Authorization,Content-Type,User-Agent,Accept,X-Requested-With,')).toBe(true);
    expect(res.headers.get('access-control-max-age')).toBe('43200');
    expect(res.headers.get('vary')).toBe('Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('puts Access-Control-Allow-Origin on allowed real requests', async () => {
    const res = await post('http://127.0.0.1:8080');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8080');
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it.each([
    'http://localhost',
    'https://localhost:8443',
    'http://127.0.0.1:3000',
    'http://0.0.0.0:80',
    'app://obsidian.md',
    'file://',
    'tauri://localhost',
    'vscode-webview://abc123',
  ])('allows %s by default', async (origin) => {
    expect((await preflight(origin)).status).toBe(204);
  });

  it('allows requests without an Origin, without CORS headers', async () => {
    const res = await post(undefined);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows the configured origins (exact and wildcard) and "*"', async () => {
    fake.setOrigins(['https://atelier.example.com', 'https://*.pages.dev']);
    expect((await preflight('https://atelier.example.com')).status).toBe(204);
    expect((await preflight('https://preview.pages.dev')).status).toBe(204);
    expect((await preflight('https://other.example.com')).status).toBe(403);
    fake.setOrigins(['*']);
    const res = await preflight('https://anything.example');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('keeps gin-contrib wildcard quirk: `http://localhost:*` is a prefix match on `http://localhost`', async () => {
    expect((await preflight('http://localhost.example.com')).status).toBe(204);
  });
});

describe('refused origins', () => {
  it('answers 403 with an empty body and no CORS headers, for preflight and real requests', async () => {
    for (const res of [await preflight('https://atelier.example.com'), await post('http://192.168.1.20:8080')]) {
      expect(res.status).toBe(403);
      expect(await res.text()).toBe('');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
    }
  });

  it('refuses browser extensions unless configured', async () => {
    expect((await preflight('chrome-extension://abcdef')).status).toBe(403);
    fake.setOrigins(['chrome-extension://*']);
    expect((await preflight('chrome-extension://abcdef')).status).toBe(204);
  });

  it('refuses even localhost when the defaults are off', async () => {
    fake.setOrigins(['https://atelier.example.com'], false);
    expect((await preflight('http://localhost:5173')).status).toBe(403);
    expect((await preflight('https://atelier.example.com')).status).toBe(204);
  });

  it('applies before routing (unknown routes too)', async () => {
    expect((await preflight('https://evil.example', '/nope')).status).toBe(403);
  });

  it('honours the options at start', async () => {
    const other = await startFakeOllama({ origins: ['http://192.168.1.20:8080'], defaultOrigins: false });
    try {
      const ok = await fetch(other.url + '/api/version', { headers: { Origin: 'http://192.168.1.20:8080' } });
      expect(ok.headers.get('access-control-allow-origin')).toBe('http://192.168.1.20:8080');
      const no = await fetch(other.url + '/api/version', { headers: { Origin: 'http://localhost:5173' } });
      expect(no.status).toBe(403);
    } finally {
      await other.close();
    }
  });
});

describe('Host header check (Ollama on loopback)', () => {
  it('403s a Host that is not local (a reverse proxy forwarding its own Host)', async () => {
    const res = await nodeRequest(fake.url + '/api/version', { headers: { Host: 'ollama.example.com' } });
    expect(res.status).toBe(403);
    expect(res.body).toBe('');
  });

  it.each(['localhost:11434', '127.0.0.1', 'my-box.local', '192.168.1.5:11434'])('accepts Host %s', async (host) => {
    const res = await nodeRequest(fake.url + '/api/version', { headers: { Host: host } });
    expect(res.status).toBe(200);
  });
});

describe('server down', () => {
  it('refuses connections while down, and serves again after', async () => {
    const ollama = new Ollama({ host: fake.url });
    await fake.setDown(true);
    const err = await ollama.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    await expect(fetch(fake.url + '/')).rejects.toThrow(TypeError);
    await fake.setDown(false);
    expect((await ollama.list()).models).toHaveLength(1);
  });

  it('cuts a running stream', async () => {
    const ollama = new Ollama({ host: fake.url });
    fake.scriptChat({ content: Array.from({ length: 100 }, (_, i) => `t${i}`).join(' '), tokensPerSecond: 100 });
    const it = await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], stream: true });
    let n = 0;
    const err = await (async () => {
      for await (const _ of it) if (++n === 2) await fake.setDown(true);
    })().catch((e: unknown) => e);
    await fake.setDown(false);
    expect(err).toBeInstanceOf(TypeError);
  });
});
