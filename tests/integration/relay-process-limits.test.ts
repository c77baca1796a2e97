/**
 * The relay process against its machine's limits, as `npm run relay` runs it:
 * - a DATA_DIR it cannot write stops the start with a clear message and a non-zero exit;
 * - at a 1,024 open-file limit, 1,100 idle connections (from eleven addresses, 100 each) leave
 *   /healthz answering and saving working (a device's upload acknowledged after its fsync, and
 *   a write of accounts.json).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileAccountStore } from '../../server/accounts.ts';
import { spawnRelay, type RelayProcess } from '../helpers/relay-process.ts';
import { cleanupAfterEach } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const { cleanups } = cleanupAfterEach();
const sockets: net.Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

/**
 * Makes `dir` read-only for everyone, root included (file permissions do not stop root): a
 * read-only bind mount of the folder on itself. Without the privilege to mount, the relay runs
 * as nobody instead (which needs the project readable by nobody: a clean clone under a private
 * temp folder is not). Returns the options for spawnRelay.
 */
function makeReadOnly(dir: string): { uid?: number; gid?: number } {
  chmodSync(dir, 0o555);
  if (process.getuid?.() !== 0) return {};
  try {
    execFileSync('mount', ['--bind', dir, dir], { stdio: 'pipe' });
    cleanups.push(() => void execFileSync('umount', [dir], { stdio: 'pipe' }));
    execFileSync('mount', ['-o', 'remount,ro,bind', dir], { stdio: 'pipe' });
    return {};
  } catch {
    return { uid: 65534, gid: 65534 };
  }
}

function tempDataDir(name: string): string {
  const dir = path.join('/tmp', `atelier-limits-${name}-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  cleanups.push(() => {
    chmodSync(dir, 0o700);
    return import('node:fs').then((fs) => fs.rmSync(dir, { recursive: true, force: true }));
  });
  return dir;
}

describe('start-up', () => {
  it('a read-only DATA_DIR stops the relay with a clear message and a non-zero exit', async () => {
    const dataDir = tempDataDir('ro');
    // An existing relay's data: nothing would need writing at start, so only a check finds it.
    await new FileAccountStore({ dataDir }).create('alice');
    chmodSync(path.join(dataDir, 'accounts.json'), 0o444);
    const asUnprivileged = makeReadOnly(dataDir);
    const outcome = await spawnRelay({ dataDir, ...asUnprivileged }).then(
      async (relay: RelayProcess) => {
        cleanups.push(() => relay.kill());
        return { listening: true, message: relay.output() };
      },
      (err: Error) => ({ listening: false, message: err.message }),
    );
    expect(outcome.listening, outcome.message).toBe(false);
    expect(outcome.message).toMatch(/relay exited \(1\) before listening/);
    expect(outcome.message).toContain(`DATA_DIR ${dataDir} cannot be written`);
    expect(outcome.message).toMatch(/permission denied|read-only file system/);
  });
});

/** An idle TCP connection from `localAddress` (any 127.x.y.z is this machine); resolves once connected. */
function idleConnection(port: number, localAddress: string): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    sockets.push(s);
    s.on('error', () => {}); // the relay closes some of them to make room: expected
    s.once('connect', () => resolve());
    s.once('close', () => resolve());
  });
}

describe('idle connections at the open-file limit', () => {
  it('with 1,100 idle connections and a 1,024 open-file limit, /healthz answers and a save works', async () => {
    const dataDir = tempDataDir('fds');
    const { token } = await new FileAccountStore({ dataDir }).create('alice');
    const relay = await spawnRelay({ dataDir, openFileLimit: 1024 });
    cleanups.push(() => relay.kill());

    const addresses = Array.from({ length: 11 }, (_, i) => `127.0.2.${i + 1}`);
    await Promise.all(addresses.flatMap((a) => Array.from({ length: 100 }, () => idleConnection(relay.port, a))));

    const health = await fetch(`${relay.url}/healthz`);
    expect(health.status).toBe(200);
    const saved = await fetch(`${relay.url}/api/legacy/done`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(saved.status).toBe(200);
    expect((await new FileAccountStore({ dataDir }).list())[0]?.legacyDoneAt).toBeGreaterThan(0);
    const { client } = await V2Client.connect(relay.url, token);
    cleanups.push(() => client.close());
    expect(await client.putAndWait(docId(), chunkId(), Buffer.from('saved while 1,100 connections idle'))).toMatchObject({ t: 'ack', seq: 1 });
    expect(relay.output()).toMatch(/at most 768 connections/);
  });
});
