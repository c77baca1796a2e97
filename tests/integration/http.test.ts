/**
 * The relay's HTTP face: 401 before any WebSocket upgrade without a valid token, the account
 * API with CORS, health, and the static client (MIME types, caching, SPA fallback, no
 * traversal, a hint when the client is not built).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncUrl, startRelay, type Relay } from '../../server/relay.ts';
import { generateToken } from '../../server/accounts.ts';
import { runCleanups, tempDir, upgradeStatus } from './helpers.ts';

let relay: Relay;
let bare: Relay;
let token: string;
let workspaceUrl: string;
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
  relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: path.join(tmp.dir, 'data'), staticDir: dist, log: () => {} });
  bare = await startRelay({ port: 0, host: '127.0.0.1', dataDir: path.join(tmp.dir, 'data2'), staticDir: path.join(tmp.dir, 'nope'), log: () => {} });
  const created = await relay.accounts.create('alice');
  token = created.token;
  workspaceUrl = created.account.workspaceUrl;
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

describe('sync endpoint authentication', () => {
  it('refuses a missing or wrong token with HTTP 401 before upgrading', async () => {
    const ws = syncUrl(relay.url);
    expect(await upgradeStatus(ws)).toBe(401);
    expect(await upgradeStatus(`${ws}?token=`)).toBe(401);
    expect(await upgradeStatus(`${ws}?token=wrong`)).toBe(401);
    expect(await upgradeStatus(`${ws}?token=${generateToken()}`)).toBe(401);
    expect(await upgradeStatus(`${ws}?token=${encodeURIComponent(token)}`)).toBe(101);
  });

  it('upgrades only on /sync', async () => {
    const other = `${relay.url.replace(/^http/, 'ws')}/other?token=${encodeURIComponent(token)}`;
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
    expect(await ok.json()).toEqual({ name: 'alice', workspaceUrl });

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
