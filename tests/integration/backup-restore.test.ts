/**
 * `npm run backup` / `npm run restore` against a running relay: a backup taken while clients
 * keep editing holds everything acknowledged before it began; restored into an empty DATA_DIR
 * a relay serves it all, to the same tokens. Restore refuses a non-empty DATA_DIR unless
 * --force, then merges without overwriting, and refuses a damaged file before writing anything.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { startRelay } from '../../server/relay.ts';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { addPresetEntry } from '../../shared/schema/workspace.ts';
import { connectClient, findOnRelay, sleep, tempDir, waitForAck, type Client, cleanupAfterEach } from './helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { cleanups, track } = cleanupAfterEach();

function script(name: 'backup' | 'restore', dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', `scripts/${name}.ts`, ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

interface Note {
  lines: string[];
}

describe('backup and restore', () => {
  it('backs up a running relay while clients edit; a relay on the restored copy serves everything acknowledged before', async () => {
    const live = tempDir('backup-live');
    const restored = tempDir('backup-restored');
    const files = tempDir('backup-files');
    cleanups.push(live.remove, restored.remove, files.remove);
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: live.dir, staticDir: null, log: () => {} });
    cleanups.push(() => relay.close());
    const alice = await relay.accounts.create('alice');
    const bob = await relay.accounts.create('bob');

    const a = track(connectClient(relay.url, alice.token));
    const ws = await findOnRelay<WorkspaceDoc>(a, alice.account.workspaceUrl);
    const notes = Array.from({ length: 8 }, (_, i) => a.repo.create<Note>({ lines: [`note ${i}`] }));
    for (let i = 0; i < 40; i++) notes[i % 8]!.change((d) => void d.lines.push(`line ${i}`));
    ws.change((d) => addPresetEntry(d, 'before-backup', notes[0]!.url));
    for (const h of [ws, ...notes]) await waitForAck(a, h as never);
    const acknowledged = notes.map((h) => h.doc().lines.slice());

    // Edits keep landing (and documents keep being compacted) while the backup runs.
    let stop = false;
    const editing = (async () => {
      for (let i = 0; !stop; i++) {
        notes[i % 8]!.change((d) => void d.lines.push(`during ${i}`));
        await sleep(5);
      }
    })();
    const file = path.join(files.dir, 'relay.tar.gz');
    const run = await script('backup', live.dir, file);
    stop = true;
    await editing;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Backed up 2 account\(s\), 10 document\(s\)/);

    const restore = await script('restore', restored.dir, file);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toMatch(/accounts added: alice, bob/);

    const second = await startRelay({ port: 0, host: '127.0.0.1', dataDir: restored.dir, staticDir: null, log: () => {} });
    cleanups.push(() => second.close());
    const b = track(connectClient(second.url, alice.token)); // the same token works
    const ws2 = await findOnRelay<WorkspaceDoc>(b, alice.account.workspaceUrl);
    expect(ws2.doc().presets['before-backup']).toBeDefined();
    for (let i = 0; i < notes.length; i++) {
      const h = await findOnRelay<Note>(b, notes[i]!.url);
      expect(h.doc().lines.slice(0, acknowledged[i]!.length)).toEqual(acknowledged[i]);
    }
    const c = track(connectClient(second.url, bob.token));
    expect((await findOnRelay<WorkspaceDoc>(c, bob.account.workspaceUrl)).doc().name).toBe('bob');
  });

  it('refuses a non-empty DATA_DIR unless --force, and then merges without overwriting', async () => {
    const live = tempDir('merge-live');
    const other = tempDir('merge-other');
    const files = tempDir('merge-files');
    cleanups.push(live.remove, other.remove, files.remove);
    const relayA = await startRelay({ port: 0, host: '127.0.0.1', dataDir: live.dir, staticDir: null, log: () => {} });
    cleanups.push(() => relayA.close());
    const alice = await relayA.accounts.create('alice');
    const a = track(connectClient(relayA.url, alice.token));
    const wa = await findOnRelay<WorkspaceDoc>(a, alice.account.workspaceUrl);
    wa.change((d) => addPresetEntry(d, 'in-backup', 'automerge:x'));
    await waitForAck(a, wa);
    const file = path.join(files.dir, 'a.tar.gz');
    expect((await script('backup', live.dir, file)).code).toBe(0);
    expect((await script('backup', live.dir, file)).code).toBe(1); // will not overwrite it
    // after the backup, alice keeps working; a second relay has its own "alice"
    wa.change((d) => addPresetEntry(d, 'after-backup', 'automerge:y'));
    await waitForAck(a, wa);
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

    // merging into the live relay's own folder: accounts kept, at most older chunks come back
    // (harmless: they merge), and nothing newer is lost
    const again = await script('restore', live.dir, file, '--force');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/already present, kept as they are.*alice/);
    const fresh = track(connectClient(relayA.url, alice.token));
    const wf = await findOnRelay<WorkspaceDoc>(fresh, alice.account.workspaceUrl);
    expect(Object.keys(wf.doc().presets).sort()).toEqual(['after-backup', 'in-backup']);
  });

  it('refuses a damaged backup before writing anything', async () => {
    const live = tempDir('damaged-live');
    const target = tempDir('damaged-target');
    const files = tempDir('damaged-files');
    cleanups.push(live.remove, target.remove, files.remove);
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: live.dir, staticDir: null, log: () => {} });
    cleanups.push(() => relay.close());
    await relay.accounts.create('alice');
    const file = path.join(files.dir, 'ok.tar.gz');
    expect((await script('backup', live.dir, file)).code).toBe(0);

    // one byte of one document file changed, the archive otherwise valid: the manifest catches it
    const raw = gunzipSync(readFileSync(file));
    const headerAt = Math.floor(raw.indexOf(Buffer.from('snapshot')) / 512) * 512;
    const at = headerAt + 512 + 10; // inside the file data that follows that header
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
