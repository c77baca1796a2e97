/**
 * The relay's HTTP face: 401 before any WebSocket upgrade without a valid token, the account
 * API with CORS, health, and the static client (MIME types, caching, SPA fallback, no
 * traversal, a hint when the client is not built).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { syncUrl, startRelay, type Relay } from '../../server/relay.ts';
import { CONTENT_SECURITY_POLICY } from '../../server/security-headers.ts';
import { createHash } from 'node:crypto';
import { SANDBOX_HOST_SCRIPT } from '../../shared/tools/sandbox-host.ts';
import { CLOSE } from '../../shared/sync/protocol.ts';
import WebSocket from 'ws';
import { runCleanups, tempDir, tryUpgrade, upgradeStatus } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let relay: Relay;
let bare: Relay;
let token: string;
const tmp = tempDir('http');

beforeAll(async () => {
  const dist = path.join(tmp.dir, 'dist');
  mkdirSync(path.join(dist, 'assets'), { recursive: true });
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Atelier</title>');
  writeFileSync(path.join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(path.join(dist, 'manifest.webmanifest'), '{"name":"Atelier"}');
  writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(dist, 'assets', 'automerge-def456.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(path.join(dist, 'assets', 'index-abc123.css'), 'body{}');
  writeFileSync(path.join(dist, 'favicon.svg'), '<svg/>');
  writeFileSync(path.join(tmp.dir, 'secret.txt'), 'outside the static dir');
  // Many deliberate 401s from one address here: no slow-down (auth-gate has its own tests).
  const limits = { authFailuresBeforeDelay: 0 };
  relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: path.join(tmp.dir, 'data'), staticDir: dist, log: () => {}, limits, helloTimeoutMs: 300 });
  bare = await startRelay({ port: 0, host: '127.0.0.1', dataDir: path.join(tmp.dir, 'data2'), staticDir: path.join(tmp.dir, 'nope'), log: () => {} });
  const created = await relay.accounts.create('alice');
  token = created.token;
});

afterAll(() => runCleanups([tmp.remove, () => relay?.close(), () => bare?.close()]));

/** Sends a request line as is (fetch would normalise `..` away). */
function rawGet(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let out = '';
    sock.on('data', (d) => (out += d.toString()));
    sock.on('end', () => resolve(out));
    sock.on('error', reject);
  });
}

describe('sync endpoint', () => {
  it('takes no token from the URL: a socket with one in its query is still asked for hello', async () => {
    const withQuery = new WebSocket(`${syncUrl(relay.url)}?token=${encodeURIComponent(token)}`);
    withQuery.on('error', () => {});
    const first = await new Promise<{ code: number; reason: string }>((resolve) => withQuery.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
    expect(first.code).toBe(CLOSE.helloTimeout);
  });

  it('upgrades only on /sync', async () => {
    const other = `${relay.url.replace(/^http/, 'ws')}/other`;
    expect(await upgradeStatus(other)).toBe(404);
  });
});

describe('HTTP API', () => {
  it('answers /healthz', async () => {
    const res = await fetch(`${relay.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('returns the account for a bearer token, 401 otherwise, with CORS', async () => {
    const ok = await fetch(`${relay.url}/api/account`, { headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    // unclaimed: no workspace and no key yet (the first device's set-key gives both)
    expect(await ok.json()).toEqual({ name: 'alice', workspaceUrl: null, keyId: null });

    for (const headers of [{}, { Authorization: 'Bearer nope' }, { Authorization: token }] as Record<string, string>[]) {
      const res = await fetch(`${relay.url}/api/account`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(await res.json()).toHaveProperty('error');
    }

    const pre = await fetch(`${relay.url}/api/account`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
  });
});

describe('static client', () => {
  it('serves files with their MIME type and cache policy', async () => {
    const cases: [string, string, string][] = [
      ['/', 'text/html', 'no-cache'],
      ['/index.html', 'text/html', 'no-cache'],
      ['/sw.js', 'text/javascript', 'no-cache'],
      ['/manifest.webmanifest', 'application/manifest+json', 'no-cache'],
      ['/assets/index-abc123.js', 'text/javascript', 'immutable'],
      ['/assets/index-abc123.css', 'text/css', 'immutable'],
      ['/assets/automerge-def456.wasm', 'application/wasm', 'immutable'],
      ['/favicon.svg', 'image/svg+xml', 'no-cache'],
    ];
    for (const [p, type, cache] of cases) {
      const res = await fetch(`${relay.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type'), p).toContain(type);
      expect(res.headers.get('cache-control'), p).toContain(cache);
      await res.arrayBuffer();
    }
  });

  it('falls back to index.html for app routes, 404s for missing files', async () => {
    const route = await fetch(`${relay.url}/chat/123`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Atelier</title>');
    expect((await fetch(`${relay.url}/assets/missing-1.js`)).status).toBe(404);
    expect((await fetch(`${relay.url}/nope.png`)).status).toBe(404);
  });

  it('does not serve files outside the static folder', async () => {
    for (const target of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%5csecret.txt']) {
      const res = await rawGet(relay.port, target);
      expect(res, target).not.toContain('outside the static dir');
      expect(res, target).toMatch(/^HTTP\/1\.1 (200|400|404)/);
    }
  });

  it('says to build the client when there is none', async () => {
    const res = await fetch(`${bare.url}/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build');
  });
});

describe('security headers', () => {
  function expectSecurityHeaders(h: Headers | Record<string, string | string[] | undefined>, what: string): void {
    const get = (name: string) => (h instanceof Headers ? h.get(name) : (h[name] as string | undefined)) ?? null;
    const csp = get('content-security-policy') ?? '';
    expect(csp, what).toBe(CONTENT_SECURITY_POLICY);
    expect(get('x-content-type-options'), what).toBe('nosniff');
    expect(get('referrer-policy'), what).toBe('no-referrer');
    expect(get('x-frame-options'), what).toBe('DENY');
    expect(get('strict-transport-security'), what).toBeNull(); // plain http: no HSTS
  }

  it('come with every kind of response: app, assets, API, errors', async () => {
    const requests: [string, RequestInit?][] = [
      ['/'],
      ['/chat/123'],
      ['/assets/index-abc123.js'],
      ['/assets/automerge-def456.wasm'],
      ['/sw.js'],
      ['/nope.png'],
      ['/', { method: 'POST' }],
      ['/healthz'],
      ['/api/account', { headers: { Authorization: `Bearer ${token}` } }],
      ['/api/account'],
      ['/api/other'],
      ['/api/account', { method: 'OPTIONS' }],
    ];
    for (const [p, init] of requests) {
      const res = await fetch(`${relay.url}${p}`, init);
      expectSecurityHeaders(res.headers, `${init?.method ?? 'GET'} ${p} (${res.status})`);
      await res.arrayBuffer();
    }
    const unbuilt = await fetch(`${bare.url}/`);
    expect(unbuilt.status).toBe(503);
    expectSecurityHeaders(unbuilt.headers, 'client not built');
  });

  it('come with refused WebSocket upgrades and malformed requests', async () => {
    const notFound = await tryUpgrade(`${relay.url.replace(/^http/, 'ws')}/elsewhere`);
    expect(notFound.status).toBe(404);
    expectSecurityHeaders(notFound.headers, 'upgrade elsewhere');
    const bad = await rawGet(relay.port, '/\x00 junk');
    expect(bad).toMatch(/^HTTP\/1\.1 400/);
    expect(bad.toLowerCase()).toContain('content-security-policy:');
  });

  it('the policy allows only the app itself plus wasm compilation and the sandbox frame script (by hash), and any http(s)/ws(s) host for connections', () => {
    const hostHash = createHash('sha256').update(SANDBOX_HOST_SCRIPT, 'utf8').digest('base64');
    const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }));
    expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", `'sha256-${hostHash}'`]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'", 'http:', 'https:', 'ws:', 'wss:']);
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(directives.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
  });

  it.skipIf(!existsSync(path.join(ROOT, 'dist', 'index.html')))('the built app has nothing inline that the policy would block', () => {
    const html = readFileSync(path.join(ROOT, 'dist', 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs = '', body = ''] of scripts) {
      expect(attrs, 'every script has a src').toMatch(/\bsrc=/);
      expect(body.trim(), 'no inline script').toBe('');
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/javascript:/i);
  });
});

