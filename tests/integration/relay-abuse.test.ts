/**
 * The relay's HTTP face under abuse, against a real relay over real TCP: connections from one
 * address are capped (plain HTTP too, not only sockets), slow or silent connections are answered
 * 408 and closed, wrong tokens are slowed down but a valid token always gets in, and every
 * answer carries the security headers including Permissions-Policy.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { generateToken } from '../../server/accounts.ts';
import { PERMISSIONS_POLICY } from '../../server/security-headers.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { cleanupAfterEach } from './helpers.ts';

const { tempRelay } = cleanupAfterEach();

/** Raw TCP connections, destroyed after each test. */
const sockets: net.Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

/** A connected TCP socket from `localAddress` (any 127.x.y.z is this machine). */
function connect(port: number, localAddress = '127.0.0.1'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    sockets.push(s);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything the relay sends on `s` until it closes the connection. */
function readUntilClosed(s: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('error', () => {});
    s.once('close', () => resolve(out));
  });
}

/** One request with Connection: close on a fresh connection; the whole raw answer. */
async function request(port: number, lines: string[], localAddress?: string): Promise<string> {
  const s = await connect(port, localAddress);
  const answer = readUntilClosed(s);
  s.write(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`);
  return answer;
}

describe('connections per address', () => {
  it('an address past its cap gets 429 on plain HTTP before any request is read, other addresses are served, and a closed connection frees its place', async () => {
    const { relay } = await tempRelay('abuse-per-ip', { limits: { maxConnectionsPerIp: 5 } });
    const held = await Promise.all(Array.from({ length: 5 }, () => connect(relay.port, '127.0.0.2')));
    const over = await request(relay.port, ['GET /healthz HTTP/1.1', 'Host: x'], '127.0.0.2');
    expect(over).toMatch(/^HTTP\/1\.1 429 /);
    expect(over).toContain('Too many connections from this address');
    expect(await request(relay.port, ['GET /healthz HTTP/1.1', 'Host: x'], '127.0.0.3')).toMatch(/^HTTP\/1\.1 200 /);

    held[0]!.destroy();
    await expect.poll(async () => (await relay.stats()).connections.open).toBe(4);
    expect(await request(relay.port, ['GET /healthz HTTP/1.1', 'Host: x'], '127.0.0.2')).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('at the cap on open connections, a new connection closes the longest-idle one instead of waiting behind it', async () => {
    const { relay } = await tempRelay('abuse-global', { openFileLimit: 40, limits: { maxConnectionsPerIp: 0 } });
    const { max } = (await relay.stats()).connections;
    expect(max).toBe(30); // three quarters of the open-file limit
    const idle = await Promise.all(Array.from({ length: max }, (_, i) => connect(relay.port, `127.0.1.${(i % 10) + 1}`)));
    const firstClosed = new Promise<void>((resolve) => idle[0]!.once('close', () => resolve()));
    await expect.poll(async () => (await relay.stats()).connections.open).toBe(max);
    expect(await request(relay.port, ['GET /healthz HTTP/1.1', 'Host: x'])).toMatch(/^HTTP\/1\.1 200 /);
    await firstClosed; // the oldest idle connection made room
    expect((await relay.stats()).connections.open).toBeLessThanOrEqual(max);
  });
});

describe('slow and silent connections', () => {
  it('are answered 408 (with the security headers) and closed: no headers, headers cut short, a body that never comes', async () => {
    const { relay } = await tempRelay('abuse-slow', { limits: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
    const { token } = await relay.accounts.create('slow');
    const silent = await connect(relay.port);
    const partialHeaders = await connect(relay.port);
    partialHeaders.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const partialBody = await connect(relay.port);
    partialBody.write(`POST /api/bundle HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 100\r\n\r\n{`);
    for (const s of [silent, partialHeaders, partialBody]) {
      const answer = await readUntilClosed(s);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer.toLowerCase()).toContain(`permissions-policy: ${PERMISSIONS_POLICY}`.toLowerCase());
    }
  });
});

describe('wrong tokens', () => {
  it('are slowed down more and more, but the valid token of the same address is never refused, and each refusal says why', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const { relay } = await tempRelay('abuse-tokens', { authClock: clock, limits: { authFailuresBeforeDelay: 2, authDelayMs: 1_000 } });
    const { token } = await relay.accounts.create('alice');
    const get = (t: string) => fetch(`${relay.url}/api/account`, { headers: { Authorization: `Bearer ${t}` } });

    for (let i = 0; i < 40; i++) {
      const res = await get(generateToken());
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'unknown token' });
    }
    expect(clock.sleeps.slice(0, 3)).toEqual([1_000, 2_000, 3_000]);
    expect(Math.max(...clock.sleeps)).toBe(10_000);

    const ok = await get(token);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ name: 'alice', workspaceUrl: null, keyId: null });

    const missing = await fetch(`${relay.url}/api/account`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: 'missing bearer token' });
    const rotated = await relay.accounts.rotate('alice');
    const revoked = await get(token);
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toEqual({ error: 'token revoked' });
    expect((await get(rotated!.token)).status).toBe(200);
  });
});

describe('security headers', () => {
  it('every answer carries Permissions-Policy with camera, microphone and geolocation off', async () => {
    const { relay } = await tempRelay('abuse-headers');
    for (const p of ['/healthz', '/api/account', '/', '/api/nope']) {
      const res = await fetch(`${relay.url}${p}`);
      const policy = res.headers.get('permissions-policy') ?? '';
      for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) expect(policy, `${p}`).toContain(`${feature}=()`);
      await res.arrayBuffer();
    }
  });
});
