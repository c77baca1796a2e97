/**
 * `npm run backup` / `npm run restore` against a running relay: a backup taken while clients
 * keep uploading holds every chunk acknowledged before it began; restored into an empty DATA_DIR
 * a relay serves it all, to the same tokens. Restore refuses a non-empty DATA_DIR unless
 * --force, then merges without overwriting (an account's log that exists is kept, the backup's
 * goes beside it), and refuses a damaged file before writing anything.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { startRelay } from '../../server/relay.ts';
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

async function connect(url: string, token: string): Promise<V2Client> {
  const { client } = await V2Client.connect(url, token);
  cleanups.push(() => client.close());
  return client;
}

describe('backup and restore', () => {
  it('backs up a running relay while clients upload; a relay on the restored copy serves every chunk acknowledged before', async () => {
    const live = tempDir('backup-live');
    const restored = tempDir('backup-restored');
    const files = tempDir('backup-files');
    cleanups.push(live.remove, restored.remove, files.remove);
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: live.dir, staticDir: null, log: () => {} });
    cleanups.push(() => relay.close());
    const alice = await relay.accounts.create('alice');
    const bob = await relay.accounts.create('bob');

    const a = await connect(relay.url, alice.token);
    const doc = docId();
    const before = Array.from({ length: 40 }, () => ({ chunk: chunkId(), bytes: randomBytes(100 + Math.floor(Math.random() * 5000)) }));
    for (const c of before) expect((await a.putAndWait(doc, c.chunk, c.bytes)).t).toBe('ack');
    const bb = await connect(relay.url, bob.token);
    expect((await bb.putAndWait(docId(), chunkId(), randomBytes(50))).t).toBe('ack');

    // Uploads keep landing while the backup runs.
    let stop = false;
    const uploading = (async () => {
      while (!stop) await a.putAndWait(doc, chunkId(), randomBytes(3000));
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

    const second = await startRelay({ port: 0, host: '127.0.0.1', dataDir: restored.dir, staticDir: null, log: () => {} });
    cleanups.push(() => second.close());
    const b = await connect(second.url, alice.token); // the same token works
    const { chunks } = await b.pull(0);
    for (const [i, c] of before.entries()) {
      expect(chunks[i]?.chunk).toBe(c.chunk);
      expect(Buffer.from(chunks[i]?.bytes ?? []).equals(c.bytes)).toBe(true);
    }
    expect((await (await connect(second.url, bob.token)).pull(0)).chunks).toHaveLength(1);
  });

  it('refuses a non-empty DATA_DIR unless --force, and then merges without overwriting', async () => {
    const live = tempDir('merge-live');
    const other = tempDir('merge-other');
    const files = tempDir('merge-files');
    cleanups.push(live.remove, other.remove, files.remove);
    const relayA = await startRelay({ port: 0, host: '127.0.0.1', dataDir: live.dir, staticDir: null, log: () => {} });
    cleanups.push(() => relayA.close());
    const alice = await relayA.accounts.create('alice');
    const a = await connect(relayA.url, alice.token);
    const doc = docId();
    const inBackup = chunkId();
    expect((await a.putAndWait(doc, inBackup, randomBytes(100))).t).toBe('ack');
    const file = path.join(files.dir, 'a.tar.gz');
    expect((await script('backup', live.dir, file)).code).toBe(0);
    expect((await script('backup', live.dir, file)).code).toBe(1); // will not overwrite it
    // after the backup, alice keeps working; a second relay has its own "alice"
    const afterBackup = chunkId();
    expect((await a.putAndWait(doc, afterBackup, randomBytes(100))).t).toBe('ack');
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
    const relayC = await startRelay({ port: 0, host: '127.0.0.1', dataDir: other.dir, staticDir: null, log: () => {} });
    cleanups.push(() => relayC.close());
    expect((await relayC.accounts.list()).map((x) => x.name).sort()).toEqual(['alice', 'alice-restored']);
    expect((await relayC.accounts.byToken(otherAlice.token))?.name).toBe('alice');
    expect((await relayC.accounts.byToken(alice.token))?.name).toBe('alice-restored');
    expect((await (await connect(relayC.url, alice.token)).pull(0)).chunks.map((c) => c.chunk)).toEqual([inBackup]);

    // Merging into the live relay's own folder: its log is kept as it is (nothing newer lost),
    // the backup's log goes beside it for the operator.
    const again = await script('restore', live.dir, file, '--force');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already present, kept as they are.*alice/);
    expect(readdirSync(path.join(live.dir, 'accounts', alice.account.id, 'log.restored')).length).toBeGreaterThan(0);
    expect((await (await connect(relayA.url, alice.token)).pull(0)).chunks.map((c) => c.chunk)).toEqual([inBackup, afterBackup]);
  });

  it('refuses a damaged backup before writing anything', async () => {
    const live = tempDir('damaged-live');
    const target = tempDir('damaged-target');
    const files = tempDir('damaged-files');
    cleanups.push(live.remove, target.remove, files.remove);
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: live.dir, staticDir: null, log: () => {} });
    cleanups.push(() => relay.close());
    const alice = await relay.accounts.create('alice');
    const a = await connect(relay.url, alice.token);
    expect((await a.putAndWait(docId(), chunkId(), randomBytes(2000))).t).toBe('ack');
    const file = path.join(files.dir, 'ok.tar.gz');
    expect((await script('backup', live.dir, file)).code).toBe(0);

    // one byte of the log segment changed, the archive otherwise valid: the manifest catches it
    const raw = gunzipSync(readFileSync(file));
    const headerAt = Math.floor(raw.indexOf(Buffer.from('00000001.seg')) / 512) * 512;
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
