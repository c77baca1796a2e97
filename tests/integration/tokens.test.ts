/**
 * Tokens and connection limits against a real relay, over the v2 socket (the token travels in
 * the hello frame, never in a URL): wrong tokens are refused with a reason and slowed down,
 * while the valid token of the same address always gets in; a rotated token is refused as
 * revoked and its open sockets are closed promptly, also when the rotation comes from the
 * account CLI in another process; an account past its socket limit gets a clear close code.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../server/accounts.ts';
import { startRelay, type Relay } from '../../server/relay.ts';
import { CLOSE } from '../../shared/sync/protocol.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { runCleanups, tempDir } from './helpers.ts';
import { V2Client } from './v2-client.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = tempDir('tokens');
const logs: string[] = [];
/** The auth gate's time: delays pass at once (nothing waits for the clock). */
const clock = new ManualClock({ autoAdvance: true });
let relay: Relay;
const clients: V2Client[] = [];

beforeAll(async () => {
  relay = await startRelay({
    port: 0,
    host: '127.0.0.1',
    dataDir: tmp.dir,
    staticDir: null,
    log: (l) => logs.push(l),
    authClock: clock,
    accountsPollMs: 3_600_000, // the rotation tests must be served by fs.watch: the poll never comes within a test
    limits: { authFailuresBeforeDelay: 3, authDelayMs: 150, maxConnectionsPerAccount: 3 },
  });
});

afterAll(() => runCleanups([tmp.remove, () => relay?.close(), () => clients.forEach((c) => c.close())]));

function api(token: string): Promise<Response> {
  return fetch(`${relay.url}/api/account`, { headers: { Authorization: `Bearer ${token}` } });
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

/** A socket that said hello with `token`: its welcome, or the error frame and close it got instead. */
async function hello(token: string): Promise<{ client: V2Client; welcome?: { account: string }; refused?: { code: number; reason: string; message: string } }> {
  const client = await V2Client.open(relay.url);
  clients.push(client);
  client.send({ t: 'hello', protocol: 2, token });
  const outcome = await Promise.race([client.next('welcome').then((w) => ({ welcome: w })), client.closed.then((c) => ({ closed: c }))]);
  if ('welcome' in outcome) return { client, welcome: outcome.welcome };
  const error = client.frames.map((f) => f.header).find((h) => h.t === 'error');
  return { client, refused: { ...outcome.closed, message: error?.t === 'error' ? error.message : '' } };
}

describe('wrong tokens', () => {
  it('are refused with 4401 and a reason, slowed down, and never lock out the valid token of the same address', async () => {
    const { token } = await relay.accounts.create('victim');
    const sleepsBefore = clock.sleeps.length;
    for (let i = 0; i < 30; i++) {
      const { refused } = await hello(generateToken());
      expect(refused).toEqual({ code: CLOSE.tokenRefused, reason: 'unknown token: pair this device again', message: 'unknown token: pair this device again' });
    }
    expect(clock.sleeps.length - sleepsBefore).toBeGreaterThan(0); // slowed down
    const { welcome } = await hello(token);
    expect(welcome).toBeDefined();
    expect((await api(token)).status).toBe(200);
    expect(logs.join('\n')).not.toContain(token);
  });
});

describe('token rotation', () => {
  it('`npm run account -- rotate` prints the new token last, and the running relay drops the old one at once', async () => {
    const { token: old, account } = await relay.accounts.create('rotating');
    const bystander = await relay.accounts.create('bystander');
    const oldSockets = [await hello(old), await hello(old)];
    const other = await hello(bystander.token);

    const run = await cli('rotate', 'rotating');
    expect(run.code, run.stderr).toBe(0);
    const fresh = run.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(old);
    expect(run.stdout).toContain(`token=${encodeURIComponent(fresh)}`);

    for (const s of oldSockets) expect(await s.client.closed).toEqual({ code: CLOSE.tokenRefused, reason: 'token revoked: pair this device again' });
    // The other account's socket is untouched: a pull sent now is answered after any close the
    // rotation would have caused on it (one socket's frames stay in order).
    expect((await other.client.pull(0)).caughtUp).toBe(0);

    // the old token: refused as revoked (not counted as a guess), on both doors
    for (let i = 0; i < 8; i++) expect((await hello(old)).refused?.reason).toBe('token revoked: pair this device again');
    const res = await api(old);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'token revoked' });

    // the new token works, on the same account
    expect((await hello(fresh)).welcome?.account).toBe(account.id);
    expect(logs.join('\n')).not.toContain(fresh);
  });

  it('removing an account closes its open sockets', async () => {
    const { token } = await relay.accounts.create('leaving');
    const { client } = await hello(token);
    expect(await relay.accounts.remove('leaving')).toBe(true);
    expect((await client.closed).code).toBe(CLOSE.tokenRefused);
    expect((await hello(token)).refused?.code).toBe(CLOSE.tokenRefused);
  });
});

describe('connection limits', () => {
  it('an account past its socket limit gets 4429 and a reason; one leaving makes room', async () => {
    const { token } = await relay.accounts.create('busy');
    const open = [await hello(token), await hello(token), await hello(token)];
    expect((await hello(token)).refused).toMatchObject({ code: CLOSE.tooManyConnections, reason: 'too many connections for this account' });
    open[0]!.client.close();
    await open[0]!.client.closed;
    await expect.poll(async () => (await hello(token)).welcome !== undefined).toBe(true);
  });
});
