// Flush scheduling in Node: a real Repo on real files (NodeFS) whose save debounce is far away,
// so only the explicit flush can have put the documents in storage.
import { afterEach, describe, expect, it } from 'vitest';
import { Repo, type DocumentId } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { tempDir } from '../../../tests/integration/helpers.ts';
import { initialConversation, initialWorkspace, type ConversationDoc, type WorkspaceDoc } from '../../../shared/schema/index.ts';
import { makeFlushSoon } from './flush-soon.ts';

/** A store whose disk is full for documents (the repo's own id is still written at start). */
class RefusingStore extends NodeFSStorageAdapter {
  override save(key: string[], data: Uint8Array): Promise<void> {
    return key[0] === 'storage-adapter-id' ? super.save(key, data) : Promise.reject(new Error('disk full'));
  }
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(Store: typeof NodeFSStorageAdapter = NodeFSStorageAdapter) {
  const tmp = tempDir('flush-soon');
  const storage = new Store(tmp.dir);
  const repo = new Repo({ storage, network: [], saveDebounceRate: 3_600_000 });
  cleanups.push(() => {
    void repo.shutdown().catch(() => {});
    tmp.remove();
  });
  const workspace = repo.create<WorkspaceDoc>(initialWorkspace('W'));
  const conversation = repo.create<ConversationDoc>(initialConversation('c', 'Typed', ['ollama:m'], 1));
  const tasks: (() => void)[] = [];
  const flushes: Promise<void>[] = [];
  const errors: unknown[] = [];
  const flushSoon = makeFlushSoon({
    flush: (ids) => {
      const p = repo.flush(ids);
      flushes.push(p.catch(() => {}));
      return p;
    },
    alongWith: () => [workspace.documentId],
    nextTask: (fn) => void tasks.push(fn),
    onError: (e) => void errors.push(e),
  });
  const stored = async (id: DocumentId) => (await storage.loadRange([id])).length > 0;
  return { workspace, conversation, tasks, flushes, errors, flushSoon, stored };
}

describe('flush soon', () => {
  it('what the person typed reaches storage in the next task, with the workspace, without waiting for the save debounce', async () => {
    const s = setup();
    s.flushSoon(s.conversation.documentId);
    // not in the task that made the change
    expect(s.tasks).toHaveLength(1);
    expect(s.flushes).toHaveLength(0);
    expect(await s.stored(s.conversation.documentId)).toBe(false);
    s.tasks.splice(0)[0]!();
    await Promise.all(s.flushes);
    expect(await s.stored(s.conversation.documentId)).toBe(true);
    expect(await s.stored(s.workspace.documentId)).toBe(true);
    expect(s.errors).toEqual([]);
  });

  it('a write that fails is reported, not dropped', async () => {
    const s = setup(RefusingStore);
    s.flushSoon(s.conversation.documentId);
    s.tasks.splice(0)[0]!();
    await Promise.all(s.flushes);
    expect(s.errors).toHaveLength(1);
    expect(String(s.errors[0])).toContain('disk full');
  });
});
