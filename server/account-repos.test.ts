import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Repo, type AutomergeUrl, type DocumentId } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { describe, expect, it } from 'vitest';
import type { WorkspaceDoc } from '../shared/schema/workspace.ts';
import { AccountRepos, relayPeerId } from './account-repos.ts';
import { accountDocumentsDir } from './accounts.ts';

/** A fresh AccountRepos over a temp folder with one account and its workspace; the folder goes afterwards. */
async function withAccount(name: string, fn: (t: { dir: string; repos: AccountRepos; id: string; url: AutomergeUrl }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-repos-'));
  try {
    const repos = new AccountRepos({ dataDir: dir, log: () => {} });
    const id = name[0]!.repeat(24);
    const url = (await repos.createWorkspace(id, name)) as AutomergeUrl;
    await fn({ dir, repos, id, url });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('AccountRepos', () => {
  it("creates the workspace in the account's own folder, on disk before returning", () =>
    withAccount('alice', async ({ dir, repos, id, url }) => {
      const acc = await repos.get(id);
      expect(acc.repo.peerId).toBe(relayPeerId(id));
      expect(await repos.get(id)).toBe(acc); // one Repo per account
      await repos.closeAll();
      await expect(repos.get(id)).rejects.toThrow(/shutting down/);

      const reader = new Repo({ storage: new NodeFSStorageAdapter(accountDocumentsDir(dir, id)), network: [] });
      const doc = (await reader.find<WorkspaceDoc>(url)).doc();
      expect(doc).toMatchObject({ name: 'alice', presets: {}, conversations: {} });
      await reader.shutdown();
    }));

  it('reopens an account after closing it', () =>
    withAccount('bob', async ({ repos, id, url }) => {
      const first = await repos.get(id);
      await repos.close(id);
      const second = await repos.get(id);
      expect(second).not.toBe(first);
      expect((await second.repo.find<WorkspaceDoc>(url)).doc().name).toBe('bob');
      await repos.closeAll();
    }));

  it('unloads a document once when the sweep and the load gate decide it at the same moment', () =>
    withAccount('carol', async ({ repos, id, url }) => {
      const acc = await repos.get(id);
      const handle = await acc.repo.find<WorkspaceDoc>(url);
      handle.change((d) => {
        d.name = 'carol, edited';
      });
      const documentId = handle.documentId as DocumentId;
      // Before, the second threw "DocHandle is not ready" out of the repo and freed the document twice.
      const results = await Promise.all([repos.unloadDocument(acc, documentId), repos.unloadDocument(acc, documentId)]);
      expect(results.sort()).toEqual([false, true]);
      expect(acc.repo.handles[documentId]).toBeUndefined();
      expect((await acc.repo.find<WorkspaceDoc>(url)).doc().name).toBe('carol, edited');
      await repos.closeAll();
    }));
});
