/**
 * Tokens and connection limits, against a real relay: wrong tokens are refused, then slowed
 * down, then the address is blocked for a while (429 + Retry-After); a rotated token is
 * refused and its open sockets are closed promptly, also when the rotation comes from the
 * account CLI in another process; too many connections per account or per address are
 * refused with a clear answer. Each test uses its own client addresses (the relay trusts
 * X-Forwarded-For here, as behind a proxy), so their failure counts never mix.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateToken } from '../../server/accounts.ts';
import { CLOSE } from '../../server/message-guard.ts';
import { startRelay, syncUrl, type Relay } from '../../server/relay.ts';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { closeInfo, connectClient, findOnRelay, joinMessage, nextMessage, runCleanups, tempDir, tryUpgrade, waitFor } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = tempDir('tokens');
const logs: string[] = [];
/** The auth gate's time: delays pass at once unless a test holds them; blocks end when a test steps the clock. */
const clock = new ManualClock({ autoAdvance: true });
let relay: Relay;

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    host: '127.0.0.1',
    dataDir: tmp.dir,
    staticDir: null,
    log: (l) => logs.push(l),
    trustProxy: true,
    authClock: clock,
    accountsPollMs: 3_600_000, // the rotation tests must be served by fs.watch: the poll never comes within a test
    limits: {
      authFailuresBeforeDelay: 3,
      authFailuresBeforeBlock: 6,
      authDelayMs: 150,
      authBlockMs: 1_500,
      maxConnectionsPerAccount: 3,
      maxConnectionsPerIp: 4,
    },
  });
});

afterAll(() => runCleanups([tmp.remove, () => relay?.close()]));

let ipCounter = 0;
const newIp = () => `198.51.100.${++ipCounter}`;
const from = (ip: string) => ({ 'X-Forwarded-For': ip });
const wsUrl = (token: string) => `${syncUrl(relay.url)}?token=${encodeURIComponent(token)}`;

function api(token: string, ip: string): Promise<Response> {
  return fetch(`${relay.url}/api/account`, { headers: { Authorization: `Bearer ${token}`, ...from(ip) } });
}

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/account-cli.ts', ...args],
      { cwd: ROOT, env: { ...process.env, DATA_DIR: tmp.dir, HOST: '127.0.0.1', PORT: String(relay.port) } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** 'pong' when the socket answers a ping, 'closed' when it closes first. */
function pingOrClose(ws: WebSocket): Promise<'pong' | 'closed'> {
  return new Promise((resolve) => {
    ws.once('pong', () => resolve('pong'));
    ws.once('close', () => resolve('closed'));
    ws.ping();
  });
}

/** An open, joined socket of an account. */
async function joinedSocket(token: string, ip: string, peer: string): Promise<WebSocket> {
  const r = await tryUpgrade(wsUrl(token), from(ip));
  if (!r.ws) throw new Error(`upgrade refused: ${r.status}`);
  const reply = nextMessage(r.ws);
  r.ws.send(joinMessage(peer));
  expect((await reply).type).toBe('peer');
  return r.ws;
}

describe('wrong tokens', () => {
  it('are refused with 401, then slowed down, then the address is blocked with 429 + Retry-After', async () => {
    const { token } = await relay.accounts.create('victim');
    const ip = newIp();
    const wrong = generateToken();

    const delaysBefore = clock.sleeps.length;
    for (let i = 0; i < 3; i++) expect((await tryUpgrade(wsUrl(wrong), from(ip))).status).toBe(401);
    expect(clock.sleeps.length).toBe(delaysBefore); // answered at once
    // past the first threshold: answered after a delay (held here: the clock stands still);
    // meanwhile the address gets 429 at once
    clock.autoAdvance = false;
    const delayStarted = clock.nextSleep();
    const slow = tryUpgrade(wsUrl(wrong), from(ip));
    expect(await delayStarted).toBe(150);
    const meanwhile = await tryUpgrade(wsUrl(token), from(ip));
    expect(meanwhile.status).toBe(429);
    expect(Number(meanwhile.headers['retry-after'])).toBeGreaterThan(0);
    clock.autoAdvance = true;
    clock.advance(150);
    expect((await slow).status).toBe(401);

    // failures 5 and 6 (on the API: it counts together with /sync): the block starts
    expect((await api(wrong, ip)).status).toBe(401);
    const blocked = await api(wrong, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('2');

    // blocked: even the right token is refused, on both doors, with a clear answer
    const refused = await tryUpgrade(wsUrl(token), from(ip));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body).toMatch(/try again later/i);
    expect((await api(token, ip)).status).toBe(429);
    // another address is not affected
    const elsewhere = await tryUpgrade(wsUrl(token), from(newIp()));
    expect(elsewhere.status).toBe(101);
    elsewhere.ws?.close();

    // the block ends
    clock.advance(1_500);
    const after = await tryUpgrade(wsUrl(token), from(ip));
    expect(after.status).toBe(101);
    after.ws?.close();
    expect(logs.join('\n')).not.toContain(token);
    expect(logs.join('\n')).not.toContain(wrong);
  });

  it('malformed and missing tokens count as failures too', async () => {
    const ip = newIp();
    for (const url of [syncUrl(relay.url), `${syncUrl(relay.url)}?token=`, `${syncUrl(relay.url)}?token=%00%01`, `${syncUrl(relay.url)}?token=${'x'.repeat(5000)}`]) {
      expect((await tryUpgrade(url, from(ip))).status).toBe(401);
    }
    expect((await api('', ip)).status).toBe(401);
    expect((await tryUpgrade(wsUrl('nope'), from(ip))).status).toBe(429);
  });
});

describe('token rotation', () => {
  it('`npm run account -- rotate` prints the new token last, and the running relay drops the old one at once', async () => {
    const { token: old, account } = await relay.accounts.create('rotating');
    const bystander = await relay.accounts.create('bystander');
    const ip = newIp();
    const oldSockets = [await joinedSocket(old, ip, 'phone'), await joinedSocket(old, ip, 'laptop')];
    const other = await joinedSocket(bystander.token, ip, 'other');
    const closed = oldSockets.map((ws) => closeInfo(ws));

    const run = await cli('rotate', 'rotating');
    expect(run.code, run.stderr).toBe(0);
    const fresh = run.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(old);
    expect(run.stdout).toContain(`token=${encodeURIComponent(fresh)}`);

    for (const c of await Promise.all(closed)) expect(c).toEqual({ code: CLOSE.tokenRevoked, reason: 'token no longer valid' });
    // The other account's socket is untouched: a ping sent now is answered after any close the
    // rotation would have caused on it (one socket's frames stay in order).
    expect(await pingOrClose(other)).toBe('pong');
    other.close();

    // the old token: refused as revoked, without counting as a guess from this address
    for (let i = 0; i < 8; i++) {
      const r = await tryUpgrade(wsUrl(old), from(ip));
      expect(r.status).toBe(401);
      expect(r.body).toMatch(/revoked/);
    }
    const res = await api(old, ip);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'token revoked' });

    // the new token works, on the same account and workspace
    const c = connectClient(relay.url, fresh);
    try {
      const h = await findOnRelay<WorkspaceDoc>(c, account.workspaceUrl);
      expect(h.doc().name).toBe('rotating');
    } finally {
      await c.close();
    }
    expect(logs.join('\n')).not.toContain(fresh);
  });

  it('removing an account closes its open sockets', async () => {
    const { token } = await relay.accounts.create('leaving');
    const ws = await joinedSocket(token, newIp(), 'tablet');
    const closed = closeInfo(ws);
    expect(await relay.accounts.remove('leaving')).toBe(true);
    expect((await closed).code).toBe(CLOSE.tokenRevoked);
    expect((await tryUpgrade(wsUrl(token), from(newIp()))).status).toBe(401);
  });
});

describe('connection limits', () => {
  it('an account past its connection limit gets a socket closed with 4429 and a reason', async () => {
    const { token } = await relay.accounts.create('busy');
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await joinedSocket(token, newIp(), `device-${i}`));
    const r = await tryUpgrade(wsUrl(token), from(newIp()));
    expect(r.status).toBe(101);
    expect(await closeInfo(r.ws!)).toEqual({ code: CLOSE.tooManyConnections, reason: 'too many connections for this account' });
    // one leaves: there is room again
    const gone = closeInfo(open[0]!);
    open[0]!.close();
    await gone;
    // A socket over the limit is closed before it is answered: a join answered means a slot.
    await waitFor(async () => {
      try {
        open.push(await joinedSocket(token, newIp(), 'device-again'));
        return true;
      } catch {
        return false;
      }
    }, 'a free connection slot');
    for (const ws of open) ws.close();
  });

  it('an address past its limit is refused with 429 before any token check', async () => {
    const { token } = await relay.accounts.create('crowded');
    const { token: token2 } = await relay.accounts.create('crowded-too');
    const ip = newIp();
    const open: WebSocket[] = [];
    for (let i = 0; i < 4; i++) {
      // two accounts, so the per-account limit (3) stays out of the way
      const r = await tryUpgrade(wsUrl(i % 2 ? token : token2), from(ip));
      expect(r.status).toBe(101);
      open.push(r.ws!);
    }
    const over = await tryUpgrade(wsUrl(generateToken()), from(ip)); // a wrong token: still 429, not counted as a guess
    expect(over.status).toBe(429);
    expect(over.body).toMatch(/too many connections/i);
    expect((await tryUpgrade(wsUrl(token), from(ip))).status).toBe(429);
    for (const ws of open) ws.close();
    await waitFor(async () => {
      const r = await tryUpgrade(wsUrl(token), from(ip));
      r.ws?.close();
      return r.status === 101;
    }, 'the address to have room again');
  });
});
