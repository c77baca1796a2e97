import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAccountStoreTests } from './account-store-acceptance.ts';
import {
  FileAccountStore,
  accountsFilePath,
  hashToken,
  pairingLink,
  writeFileAtomic,
} from './accounts.ts';

function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-accounts-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

runAccountStoreTests('FileAccountStore', async () => {
  const tmp = tempDataDir();
  return { store: new FileAccountStore({ dataDir: tmp.dir }), teardown: tmp.remove };
});

describe('FileAccountStore on disk', () => {
  it('stores only the sha256 of the token', async () => {
    const tmp = tempDataDir();
    try {
      const store = new FileAccountStore({ dataDir: tmp.dir });
      const { token } = await store.create('alice');
      const text = readFileSync(accountsFilePath(tmp.dir), 'utf8');
      expect(text).not.toContain(token);
      const expected = createHash('sha256').update(token).digest('hex');
      expect(hashToken(token)).toBe(expected);
      expect(JSON.parse(text)).toMatchObject({ version: 1, accounts: [{ name: 'alice', tokenHash: expected }] });
    } finally {
      tmp.remove();
    }
  });

  it('sees accounts added and removed by another process (another store on the same folder)', async () => {
    const tmp = tempDataDir();
    try {
      const relaySide = new FileAccountStore({ dataDir: tmp.dir });
      const cliSide = new FileAccountStore({ dataDir: tmp.dir });
      expect(await relaySide.list()).toEqual([]);
      const { token } = await cliSide.create('bob');
      expect((await relaySide.byToken(token))?.name).toBe('bob');
      await cliSide.remove('bob');
      expect(await relaySide.byToken(token)).toBeNull();
      // Both sides racing to create the same name: exactly one wins.
      const results = await Promise.allSettled([relaySide.create('carol'), cliSide.create('carol')]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await relaySide.list()).map((a) => a.name)).toEqual(['carol']);
    } finally {
      tmp.remove();
    }
  });

  it('a rotation by another process is seen at once, and watchers hear of it', async () => {
    const tmp = tempDataDir();
    try {
      // The poll never comes within the test: only fs.watch can tell the relay side.
      const relaySide = new FileAccountStore({ dataDir: tmp.dir, pollMs: 3_600_000 });
      const cliSide = new FileAccountStore({ dataDir: tmp.dir });
      const { token } = await cliSide.create('bob');
      expect((await relaySide.byToken(token))?.name).toBe('bob');
      let onHeard = (): void => {};
      let stop = (): void => {};
      // the watcher first reads the file's state: a change before that is its baseline, not news
      await new Promise<void>((ready) => {
        stop = relaySide.watch(() => onHeard(), ready);
      });
      const nextHeard = () => new Promise<void>((r) => (onHeard = r));
      const rotationHeard = nextHeard();
      const rotated = await cliSide.rotate('bob');
      expect(await relaySide.byToken(token)).toBeNull();
      expect((await relaySide.byToken(rotated!.token))?.name).toBe('bob');
      await rotationHeard; // a rotation never heard is the test timeout's to catch
      stop();
      const onDisk = JSON.parse(readFileSync(accountsFilePath(tmp.dir), 'utf8')) as { revoked: { tokenHash: string }[] };
      expect(onDisk.revoked.map((r) => r.tokenHash)).toEqual([hashToken(token)]);
    } finally {
      tmp.remove();
    }
  });

  it('reads files of the previous relay (no "revoked" list, no key id): the account keeps its workspace', async () => {
    const tmp = tempDataDir();
    try {
      const hash = hashToken('t'.repeat(43));
      writeFileSync(
        accountsFilePath(tmp.dir),
        JSON.stringify({ version: 1, accounts: [{ id: 'a'.repeat(24), name: 'old', workspaceUrl: 'automerge:x', createdAt: 1, tokenHash: hash }] }),
      );
      const store = new FileAccountStore({ dataDir: tmp.dir });
      expect(await store.byToken('t'.repeat(43))).toMatchObject({ name: 'old', workspaceUrl: 'automerge:x', keyId: null, legacyDoneAt: null });
      expect(await store.wasRevoked('t'.repeat(43))).toBe(false);
      expect((await store.rotate('old'))?.account.name).toBe('old');
      expect(await store.wasRevoked('t'.repeat(43))).toBe(true);
    } finally {
      tmp.remove();
    }
  });

  it('writes atomically: readers never see a partial file and no temp files are left', async () => {
    const tmp = tempDataDir();
    try {
      const file = path.join(tmp.dir, 'x.json');
      const big = (n: number) => JSON.stringify({ n, pad: 'x'.repeat(200_000) });
      await writeFileAtomic(file, big(0));
      let reads = 0;
      let stop = false;
      const reader = (async () => {
        while (!stop) {
          JSON.parse(readFileSync(file, 'utf8')); // throws on a torn read
          reads++;
          await new Promise((r) => setImmediate(r));
        }
      })();
      for (let i = 1; i <= 30; i++) await writeFileAtomic(file, big(i));
      stop = true;
      await reader;
      expect(reads).toBeGreaterThan(0);
      expect((JSON.parse(readFileSync(file, 'utf8')) as { n: number }).n).toBe(30);
      expect(readdirSync(tmp.dir)).toEqual(['x.json']);
    } finally {
      tmp.remove();
    }
  });

  it('refuses to start from a corrupt accounts file rather than overwrite it', async () => {
    const tmp = tempDataDir();
    try {
      writeFileSync(accountsFilePath(tmp.dir), '{"version":1,"accounts":[{"name":');
      const store = new FileAccountStore({ dataDir: tmp.dir });
      await expect(store.list()).rejects.toThrow(/not a valid accounts file/);
      await expect(store.create('alice')).rejects.toThrow(/not a valid accounts file/);
      expect(readFileSync(accountsFilePath(tmp.dir), 'utf8')).toBe('{"version":1,"accounts":[{"name":');
    } finally {
      tmp.remove();
    }
  });
});

describe('pairingLink', () => {
  it('puts relay, token, key and workspace in the fragment, URI-encoded', () => {
    expect(pairingLink('https://h:1', 'wss://h:1/sync', 'a-b_c', 'automerge:xyz', 'k-1')).toBe(
      'https://h:1/pair#relay=wss%3A%2F%2Fh%3A1%2Fsync&token=a-b_c&key=k-1&workspace=automerge%3Axyz',
    );
  });

  it('leaves out the workspace an account does not have yet, and the key the relay never has', () => {
    expect(pairingLink('https://h:1', 'wss://h:1/sync', 'a-b_c', null)).toBe('https://h:1/pair#relay=wss%3A%2F%2Fh%3A1%2Fsync&token=a-b_c');
  });
});
