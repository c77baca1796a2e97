/**
 * `npm run backup` / `npm run restore` against a running relay: a backup taken while a device
 * keeps uploading holds every chunk acknowledged before it began; restored into an empty
 * DATA_DIR, a relay serves them all, to the same tokens. Restore refuses a non-empty DATA_DIR
 * unless --force, then merges without overwriting (an account's existing log is kept), and
 * refuses a damaged file before writing anything.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { startRelay, type Relay } from '../../server/relay.ts';
import { cleanupAfterEach, tempDir } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { cleanups } = cleanupAfterEach();

function script(name: 'backup' | 'restore', dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function relayOn(dir: string): Promise<Relay> {
  const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: dir, staticDir: null, log: () => {} });
  cleanups.push(() => relay.close());
  return relay;
}

async function device(relay: Relay, token: string): Promise<V2Client> {
  const { client } = await V2Client.connect(relay.url, token);
  cleanups.push(() => client.close());
  return client;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('backup and restore', () => {
  it('backs up a running relay while a device uploads; a relay on the restored copy serves everything acknowledged before', async () => {
    const live = tempDir('backup-live');
    const restored = tempDir('backup-restored');
    const files = tempDir('backup-files');
    cleanups.push(live.remove, restored.remove, files.remove);
    const relay = await relayOn(live.dir);
    const alice = await relay.accounts.create('alice');
    const bob = await relay.accounts.create('bob');
    const a = await device(relay, alice.token);
    const doc = docId();
    const acknowledged: string[] = [];
    for (let i = 0; i < 20; i++) {
      const bytes = randomBytes(i === 3 ? 2_500_000 : 500); // one in parts
      expect((await a.putAndWait(doc, chunkId(), bytes)).t).toBe('ack');
      acknowledged.push(hex(bytes));
    }
    expect((await (await device(relay, bob.token)).putAndWait(docId(), chunkId(), Buffer.from('bob'))).t).toBe('ack');

    // Uploads keep landing while the backup runs (each waits for the previous one's ack).
    let stop = false;
    const uploading = (async () => {
      while (!stop) await a.putAndWait(doc, chunkId(), randomBytes(800));
    })();
    const file = path.join(files.dir, 'relay.tar.gz');
    const run = await script('backup', live.dir, file);
    stop = true;
    await uploading;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Backed up 2 account\(s\)/);

    const restore = await script('restore', restored.dir, file);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/accounts added: alice, bob/);

    const second = await relayOn(restored.dir);
    const b = await device(second, alice.token); // the same token works
    const { chunks } = await b.pull(0);
    expect(chunks.slice(0, acknowledged.length).map((c) => hex(c.bytes))).toEqual(acknowledged);
    const { chunks: bobs } = await (await device(second, bob.token)).pull(0);
    expect(bobs.map((c) => Buffer.from(c.bytes).toString())).toEqual(['bob']);
  });

  it('refuses a non-empty DATA_DIR unless --force, and then merges without overwriting', async () => {
    const live = tempDir('merge-live');
    const other = tempDir('merge-other');
    const files = tempDir('merge-files');
    cleanups.push(live.remove, other.remove, files.remove);
    const relayA = await relayOn(live.dir);
    const alice = await relayA.accounts.create('alice');
    const a = await device(relayA, alice.token);
    expect((await a.putAndWait(docId(), chunkId(), Buffer.from('in backup'))).t).toBe('ack');
    const file = path.join(files.dir, 'a.tar.gz');
    expect((await script('backup', live.dir, file)).code).toBe(0);
    expect((await script('backup', live.dir, file)).code).toBe(1); // will not overwrite it
    // after the backup, alice keeps working; a second relay has its own "alice"
    expect((await a.putAndWait(docId(), chunkId(), Buffer.from('after backup'))).t).toBe('ack');
    const relayB = await startRelay({ port: 0, host: '127.0.0.1', dataDir: other.dir, staticDir: null, log: () => {} });
    const otherAlice = await relayB.accounts.create('alice');
    await relayB.close();
    const before = readFileSync(path.join(other.dir, 'accounts.json'), 'utf8');

    const refused = await script('restore', other.dir, file);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/not empty.*--force/);
    expect(readFileSync(path.join(other.dir, 'accounts.json'), 'utf8')).toBe(before);

    const merged = await script('restore', other.dir, file, '--force');
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain('account "alice" restored as "alice-restored"');
    const relayC = await relayOn(other.dir);
    expect((await relayC.accounts.list()).map((x) => x.name).sort()).toEqual(['alice', 'alice-restored']);
    expect((await relayC.accounts.byToken(otherAlice.token))?.name).toBe('alice');
    expect((await relayC.accounts.byToken(alice.token))?.name).toBe('alice-restored');
    const { chunks } = await (await device(relayC, alice.token)).pull(0);
    expect(chunks.map((c) => Buffer.from(c.bytes).toString())).toEqual(['in backup']);

    // into the live relay's own folder: its account and its log are kept as they are, nothing newer is lost
    a.close();
    await relayA.close();
    const again = await script('restore', live.dir, file, '--force');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already present, kept as they are.*alice/);
    expect(again.stdout).toMatch(/encrypted logs already there, kept as they are/);
    const relayD = await relayOn(live.dir);
    const { chunks: kept } = await (await device(relayD, alice.token)).pull(0);
    expect(kept.map((c) => Buffer.from(c.bytes).toString())).toEqual(['in backup', 'after backup']);
  });

  it('refuses a damaged backup before writing anything', async () => {
    const live = tempDir('damaged-live');
    const target = tempDir('damaged-target');
    const files = tempDir('damaged-files');
    cleanups.push(live.remove, target.remove, files.remove);
    const relay = await relayOn(live.dir);
    const alice = await relay.accounts.create('alice');
    expect((await (await device(relay, alice.token)).putAndWait(docId(), chunkId(), randomBytes(2_000))).t).toBe('ack');
    const file = path.join(files.dir, 'ok.tar.gz');
    expect((await script('backup', live.dir, file)).code).toBe(0);

    // one byte of a log segment changed, the archive otherwise valid: the manifest catches it
    const raw = gunzipSync(readFileSync(file));
    const headerAt = Math.floor(raw.indexOf(Buffer.from('.seg')) / 512) * 512;
    const at = headerAt + 512 + 100; // inside the file data that follows that header
    raw[at] = raw[at]! ^ 0xff;
    writeFileSync(path.join(files.dir, 'bad.tar.gz'), gzipSync(raw));
    const run = await script('restore', target.dir, path.join(files.dir, 'bad.tar.gz'));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/damaged/);
    expect(existsSync(target.dir) ? readdirSync(target.dir) : []).toEqual([]);

    const usage = await script('restore', target.dir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage/);
  });
});
