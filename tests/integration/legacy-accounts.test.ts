/**
 * Moving over from the previous (readable) relay, on the relay's side: an account whose folder
 * holds documents of the previous relay is legacy (welcome.legacy) and keeps its workspace; its
 * documents stay readable through POST /api/bundle; POST /api/legacy/done marks it moved over
 * (in accounts.json); `npm run account -- purge-legacy` refuses before that (unless --force),
 * then deletes the readable files and nothing else (the encrypted log stays).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { accountDocumentsDir, accountsFilePath, hashToken, generateToken } from '../../server/accounts.ts';
import { cleanupAfterEach } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { cleanups, tempRelay } = cleanupAfterEach();

const WORKSPACE = 'automerge:2mBWwmhpdR8pfhE7C3L5p4EBcCAZ';
const DOC = '2mBWwmhpdR8pfhE7C3L5p4EBcCAZ';

/** A DATA_DIR as the previous relay left it: accounts.json without key ids, documents in the NodeFS layout. */
function previousRelayData(dataDir: string, names: string[]): { id: string; name: string; token: string }[] {
  const accounts = names.map((name) => ({ id: randomBytes(12).toString('hex'), name, token: generateToken() }));
  writeFileSync(
    accountsFilePath(dataDir),
    JSON.stringify({
      version: 1,
      accounts: accounts.map((a) => ({ id: a.id, name: a.name, workspaceUrl: WORKSPACE, createdAt: 1, tokenHash: hashToken(a.token) })),
    }),
  );
  for (const a of accounts) {
    const docDir = path.join(accountDocumentsDir(dataDir, a.id), DOC.slice(0, 2), DOC.slice(2));
    mkdirSync(path.join(docDir, 'snapshot'), { recursive: true });
    mkdirSync(path.join(docDir, 'sync-state'), { recursive: true });
    writeFileSync(path.join(docDir, 'snapshot', 'abc'), 'readable document bytes');
    writeFileSync(path.join(docDir, 'sync-state', 'peer-1'), 'sync state');
    writeFileSync(path.join(accountDocumentsDir(dataDir, a.id), 'storage-adapter-id'), 'some-uuid');
  }
  return accounts;
}

function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/account-cli.ts', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('an account of the previous relay', () => {
  it('is legacy until a device says it moved over; purge-legacy then deletes only the readable files', async () => {
    const { tmp, relay } = await tempRelay('legacy');
    const [alice] = previousRelayData(tmp.dir, ['alice']);
    const auth = { Authorization: `Bearer ${alice!.token}` };
    const folder = accountDocumentsDir(tmp.dir, alice!.id);

    const first = await V2Client.connect(relay.url, alice!.token);
    cleanups.push(() => first.client.close());
    expect(first.welcome).toMatchObject({ legacy: true, keyId: null, workspace: WORKSPACE });
    const account = await fetch(`${relay.url}/api/account`, { headers: auth });
    expect(await account.json()).toEqual({ name: 'alice', workspaceUrl: WORKSPACE, keyId: null });
    const bundle = await fetch(`${relay.url}/api/bundle`, { method: 'POST', headers: auth });
    expect(bundle.status).toBe(200);
    expect(Buffer.from(await bundle.arrayBuffer()).toString('latin1')).toContain('readable document bytes');

    // Not moved over yet: purge-legacy refuses and deletes nothing.
    const early = await cli(tmp.dir, 'purge-legacy', 'alice');
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/has not moved over yet/);
    expect(early.stderr).toMatch(/--force/);
    expect(existsSync(path.join(folder, DOC.slice(0, 2)))).toBe(true);
    expect((await cli(tmp.dir, 'list')).stdout).toMatch(/^alice\t.*not moved over yet/m);

    // The device re-uploads everything encrypted, then says so.
    const bytes = randomBytes(2_000);
    expect((await first.client.putAndWait(docId(), chunkId(), bytes, { kind: 'snapshot' })).t).toBe('ack');
    const done = await fetch(`${relay.url}/api/legacy/done`, { method: 'POST', headers: auth });
    expect(done.status).toBe(200);
    expect((await fetch(`${relay.url}/api/legacy/done`, { method: 'POST', headers: auth })).status).toBe(200); // a retry is fine
    const stored = JSON.parse(readFileSync(accountsFilePath(tmp.dir), 'utf8')) as { accounts: { legacyDoneAt?: number }[] };
    expect(stored.accounts[0]?.legacyDoneAt).toBeGreaterThan(0);
    const again = await V2Client.connect(relay.url, alice!.token);
    cleanups.push(() => again.client.close());
    expect(again.welcome.legacy).toBeFalsy();
    expect((await fetch(`${relay.url}/api/legacy/done`, { method: 'POST', headers: { Authorization: `Bearer ${generateToken()}` } })).status).toBe(401);

    const purge = await cli(tmp.dir, 'purge-legacy', 'alice');
    expect(purge.code, purge.stderr).toBe(0);
    expect(purge.stdout).toMatch(/Deleted the readable documents of the previous relay for account "alice"/);
    expect(readdirSync(folder).sort()).toEqual(['log']); // only the encrypted log is left
    const { chunks } = await again.client.pull(0);
    expect(chunks.map((c) => Buffer.from(c.bytes).equals(bytes))).toEqual([true]);
    expect((await cli(tmp.dir, 'purge-legacy', 'alice')).stdout).toMatch(/nothing to delete/);
  });

  it('an account whose old folder holds only the storage adapter\'s id (written at st/orage-adapter-id) is not legacy', async () => {
    const { tmp, relay } = await tempRelay('legacy-empty');
    const token = generateToken();
    const id = randomBytes(12).toString('hex');
    writeFileSync(accountsFilePath(tmp.dir), JSON.stringify({ version: 1, accounts: [{ id, name: 'carol', workspaceUrl: WORKSPACE, createdAt: 1, tokenHash: hashToken(token) }] }));
    // What the previous relay's repo wrote for an account that never stored a document.
    await new NodeFSStorageAdapter(accountDocumentsDir(tmp.dir, id)).save(['storage-adapter-id'], new TextEncoder().encode('some-uuid'));
    expect(readdirSync(accountDocumentsDir(tmp.dir, id))).toEqual(['st']);
    const c = await V2Client.connect(relay.url, token);
    cleanups.push(() => c.client.close());
    expect(c.welcome.legacy ?? false).toBe(false);
    expect((await cli(tmp.dir, 'list')).stdout).not.toMatch(/not moved over yet/);
  });

  it('purge-legacy --force deletes the readable files of an account that has not moved over', async () => {
    const { tmp } = await tempRelay('legacy-force');
    const [bob] = previousRelayData(tmp.dir, ['bob']);
    const run = await cli(tmp.dir, 'purge-legacy', 'bob', '--force');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/without a device having moved them over \(--force\)/);
    expect(readdirSync(accountDocumentsDir(tmp.dir, bob!.id))).toEqual([]);
    expect((await cli(tmp.dir, 'purge-legacy', 'nobody')).stderr).toMatch(/No account named "nobody"/);
  });
});
