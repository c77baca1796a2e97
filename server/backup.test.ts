import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { next as A } from '@automerge/automerge';
import { generateAutomergeUrl, parseAutomergeUrl, type DocumentId } from '@automerge/automerge-repo';
import { afterAll, describe, expect, it } from 'vitest';
import { readTarGz } from './archive.ts';
import { accountDocumentsDir, accountsFilePath } from './accounts.ts';
import { createBackup, isRestorablePath, restoreBackup, verifyBackup } from './backup.ts';
import { AtomicFSStorageAdapter } from './doc-storage.ts';
import { RelayStorageSubsystem } from './relay-storage.ts';

const root = mkdtempSync(path.join(tmpdir(), 'atelier-backup-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ACCOUNT = 'c'.repeat(24);

/** The document's keys as stored in a backup: all its chunk files, loaded together. */
async function keysInBackup(file: string, documentId: DocumentId): Promise<Set<string>> {
  let doc = A.init<{ items: Record<string, number> }>();
  for await (const e of readTarGz(file)) {
    if (e.path.includes(`/${documentId.slice(2)}/`) && /\/(snapshot|incremental)\//.test(e.path)) doc = A.loadIncremental(doc, e.data);
  }
  return new Set(Object.keys(doc.items ?? {}));
}

describe('backup while documents are written and compacted', () => {
  it('every copy holds everything saved before it started', async () => {
    const dataDir = path.join(root, 'live');
    const docsDir = accountDocumentsDir(dataDir, ACCOUNT);
    await mkdir(docsDir, { recursive: true });
    writeFileSync(accountsFilePath(dataDir), JSON.stringify({ version: 1, accounts: [] }));
    const storage = new RelayStorageSubsystem(new AtomicFSStorageAdapter(docsDir), { onError: (e) => { throw e; } });
    const documentId = parseAutomergeUrl(generateAutomergeUrl()).documentId;
    let doc = A.from<{ items: Record<string, number> }>({ items: {} });
    const saved: string[] = [];
    let stop = false;
    // A write per turn of the event loop (as the relay's are, one per message), with a
    // compaction (new snapshot, old chunks deleted) every few hundred. At most WRITES_PER_BACKUP
    // per backup started: on a slow machine the document (so each backup) would otherwise grow
    // without bound; the writer then waits for the next backup to start.
    const WRITES_PER_BACKUP = 80;
    let allowed = 0;
    let wake = (): void => {};
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        while (i >= allowed && !stop) await new Promise<void>((resolve) => (wake = resolve));
        if (stop) break;
        doc = A.change(doc, (d) => {
          d.items[`k${i}`] = i;
        });
        await storage.saveDocStrict(documentId, doc);
        saved.push(`k${i}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    let backups = 0;
    try {
      for (; backups < 25; backups++) {
        allowed += WRITES_PER_BACKUP;
        wake();
        const before = [...saved];
        const file = path.join(root, `b${backups}.tar.gz`);
        await createBackup(dataDir, file);
        const keys = await keysInBackup(file, documentId);
        expect(before.filter((k) => !keys.has(k)), `backup ${backups}`).toEqual([]);
      }
    } finally {
      stop = true;
      wake();
      await writer;
    }
    expect(saved.length).toBeGreaterThan(backups); // writes really interleaved with the backups
  });
});

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
