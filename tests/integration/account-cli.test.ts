/**
 * `npm run account -- add|list|remove` against a running relay on the same DATA_DIR: the
 * relay accepts a token added by the CLI and refuses it once removed, without a restart.
 * (purge-legacy: tests/integration/legacy-accounts.test.ts.)
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, syncUrl, type Relay } from '../../server/relay.ts';
import { CLOSE } from '../../shared/sync/protocol.ts';
import { runCleanups, tempDir } from './helpers.ts';
import { V2Client } from './v2-client.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = tempDir('cli');
let relay: Relay;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'server/account-cli.ts', ...args],
      { cwd: ROOT, env: { ...process.env, DATA_DIR: tmp.dir, HOST: '127.0.0.1', PORT: String(relay.port) } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {} });
});

afterAll(() => runCleanups([tmp.remove, () => relay?.close()]));

describe('account CLI', () => {
  let token = '';

  it('add prints the pairing link, without a key (saying the first device makes it), and then the token alone on the last line', async () => {
    const run = await cli('add', 'bob');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    token = lines.at(-1) ?? '';
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const link = lines.find((l) => l.includes('/pair#'))?.trim() ?? '';
    expect(link).toContain(`token=${encodeURIComponent(token)}`);
    expect(link).toContain(`relay=${encodeURIComponent(syncUrl(relay.url))}`);
    expect(link).not.toMatch(/[#&]key=/);
    expect(link).not.toMatch(/[#&]workspace=/); // the account has none until its first device claims it
    expect(run.stdout).toMatch(/no encryption key: the first device to pair makes the workspace key/);
  });

  it('the running relay accepts the new token at once', async () => {
    const res = await fetch(`${relay.url}/api/account`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'bob', workspaceUrl: null, keyId: null });

    const { client, welcome } = await V2Client.connect(relay.url, token);
    client.close();
    expect(welcome).toMatchObject({ keyId: null, workspace: null, head: 0 });
  });

  it('list shows names and dates, never tokens', async () => {
    await relay.accounts.create('carol');
    const run = await cli('list');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^bob\tcreated \d{4}-\d\d-\d\dT/m);
    expect(run.stdout).toMatch(/^carol\t/m);
    expect(run.stdout).not.toContain(token);
  });

  it('refuses a duplicate name and bad usage with a clear message and a non-zero exit', async () => {
    const dup = await cli('add', 'bob');
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/already exists/);

    // in parallel: each run starts a Node process
    const usages = [[], ['add'], ['frobnicate'], ['add', 'a', 'b'], ['remove'], ['rotate'], ['rotate', 'a', 'b'], ['purge-legacy'], ['purge-legacy', 'a', 'b']];
    const runs = await Promise.all(usages.map((args) => cli(...args)));
    runs.forEach((bad, i) => {
      expect(bad.code, usages[i]!.join(' ')).not.toBe(0);
      expect(bad.stderr, usages[i]!.join(' ')).toMatch(/Usage:/);
    });
    const [invalid, nobody] = await Promise.all([cli('add', '../etc'), cli('rotate', 'nobody')]);
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(/Invalid account name/);
    expect(nobody.code).not.toBe(0);
    expect(nobody.stderr).toMatch(/No account named "nobody"/);
  });

  it('remove takes effect on the running relay', async () => {
    const run = await cli('remove', 'bob');
    expect(run.code, run.stderr).toBe(0);
    const socket = await V2Client.open(relay.url);
    socket.send({ t: 'hello', protocol: 2, token });
    expect((await socket.closed).code).toBe(CLOSE.tokenRefused);
    expect((await fetch(`${relay.url}/api/account`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await relay.accounts.list()).map((a) => a.name)).toEqual(['carol']);

    const again = await cli('remove', 'bob');
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/No account named "bob"/);
  });
});
