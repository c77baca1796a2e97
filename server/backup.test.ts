import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accountDocumentsDir, accountsFilePath } from './accounts.ts';
import { createBackup, isRestorablePath, restoreBackup, verifyBackup } from './backup.ts';

const root = mkdtempSync(path.join(tmpdir(), 'atelier-backup-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ACCOUNT = 'c'.repeat(24);

describe('restore', () => {
  it('accepts only paths inside DATA_DIR that the relay writes', () => {
    for (const ok of ['accounts.json', `accounts/${ACCOUNT}/st/orage-adapter-id`, `accounts/${ACCOUNT}/2j/9knpCs/snapshot/abc`, `accounts/${ACCOUNT}/2j/9knpCs/sync-state/u-1`]) {
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
