import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accountDocumentsDir, accountsFilePath } from './accounts.ts';
import { createBackup, isRestorablePath, restoreBackup, verifyBackup } from './backup.ts';
import { isUpload } from './chunk-store/chunk-store.ts';
import { FilesChunkStore } from './chunk-store/files-store.ts';

const root = mkdtempSync(path.join(tmpdir(), 'atelier-backup-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ACCOUNT = 'c'.repeat(24);

describe('restore', () => {
  it('accepts only paths inside DATA_DIR that the relay writes', () => {
    for (const ok of ['accounts.json', `accounts/${ACCOUNT}/log/00000001.seg`, `accounts/${ACCOUNT}/st/orage-adapter-id`, `accounts/${ACCOUNT}/2j/9knpCs/snapshot/abc`, `accounts/${ACCOUNT}/2j/9knpCs/sync-state/u-1`]) {
      expect(isRestorablePath(ok), ok).toBe(true);
    }
    for (const bad of [
      '../accounts.json',
      '/etc/passwd',
      `accounts/${ACCOUNT}/../../x/snapshot/a`,
      `accounts/${ACCOUNT}/2j/9k/snapshot/../../../../evil`,
      `accounts/${ACCOUNT}/.tmp/x/snapshot/a`,
      `accounts/not-an-id/2j/9k/snapshot/a`,
      `accounts/${ACCOUNT}/2j/9k/other/a`,
      `accounts/${ACCOUNT}/2j/9k/snapshot/.hidden`,
      'accounts.json.lock',
      `accounts/${ACCOUNT}/log/LOCK`,
      `accounts/${ACCOUNT}/log/../x.seg`,
      'node_modules/x',
    ]) {
      expect(isRestorablePath(bad), bad).toBe(false);
    }
  });

  it('refuses a backup whose manifest does not match before writing anything', async () => {
    const dataDir = path.join(root, 'src2');
    await mkdir(accountDocumentsDir(dataDir, ACCOUNT), { recursive: true });
    writeFileSync(accountsFilePath(dataDir), JSON.stringify({ version: 1, accounts: [] }));
    writeFileSync(path.join(accountDocumentsDir(dataDir, ACCOUNT), 'x'), 'not a document file: not backed up');
    const file = path.join(root, 'm.tar.gz');
    await createBackup(dataDir, file);
    await expect(verifyBackup(file)).resolves.toBeDefined();
    await expect(verifyBackup(path.join(root, 'missing.tar.gz'))).rejects.toThrow();
    const target = path.join(root, 'never-written');
    await expect(restoreBackup(path.join(root, 'missing.tar.gz'), target)).rejects.toThrow();
    await expect(mkdir(target)).resolves.toBeUndefined(); // it was not created
  });
});

describe('the encrypted chunk log', () => {
  async function store(dataDir: string, chunks: Buffer[]): Promise<void> {
    const log = await new FilesChunkStore({ dataDir }).open(ACCOUNT);
    try {
      for (const [i, bytes] of chunks.entries()) {
        const up = log.begin({ doc: '2mBWwmhpdR8pfhE7C3L5p4EBcCAZ', chunk: `chunk-${String(i).padStart(16, '0')}`, kind: 'change', size: bytes.length });
        if (!isUpload(up)) throw new Error('unexpected duplicate');
        await up.write(bytes);
        await up.commit();
      }
    } finally {
      await log.close();
    }
  }

  async function stored(dataDir: string): Promise<string[]> {
    const log = await new FilesChunkStore({ dataDir }).open(ACCOUNT);
    try {
      const out: string[] = [];
      for (const e of log.entriesAfter(0, 1_000)) out.push(Buffer.from(await log.read(e, 0, e.size)).toString('hex'));
      return out;
    } finally {
      await log.close();
    }
  }

  it('is backed up and restored whole; a target that has a log of its own keeps it', async () => {
    const dataDir = path.join(root, 'log-src');
    await mkdir(dataDir, { recursive: true });
    writeFileSync(accountsFilePath(dataDir), JSON.stringify({ version: 1, accounts: [] }));
    const chunks = [randomBytes(100), randomBytes(3_000), randomBytes(50)];
    await store(dataDir, chunks);
    const file = path.join(root, 'log.tar.gz');
    await createBackup(dataDir, file);

    const fresh = path.join(root, 'log-restored');
    const summary = await restoreBackup(file, fresh);
    expect(summary.logsKept).toEqual([]);
    expect(await stored(fresh)).toEqual(chunks.map((c) => c.toString('hex')));

    const busy = path.join(root, 'log-busy');
    await mkdir(busy, { recursive: true });
    writeFileSync(accountsFilePath(busy), JSON.stringify({ version: 1, accounts: [] }));
    const own = [randomBytes(10)];
    await store(busy, own);
    const merged = await restoreBackup(file, busy, { force: true });
    expect(merged.logsKept).toEqual([ACCOUNT]);
    expect(await stored(busy)).toEqual(own.map((c) => c.toString('hex')));
  });
});
