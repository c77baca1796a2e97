import { useRepo, useRepoStorage } from '../repo/repo-context.tsx';
import type { KnowledgeFile } from './knowledge-bytes.ts';
import { storeKnowledge, type KnowledgeStorage, type StoredKnowledge } from './knowledge-store.ts';

/** Stores an attached document in this device's repo (see knowledge-store.ts); a failed save on the page is reported like any other. */
export function useStoreKnowledge(): (file: KnowledgeFile, wholeDocument: boolean) => Promise<StoredKnowledge> {
  const { repo, saves } = useRepo();
  const { documents, ledger } = useRepoStorage();
  const storage: KnowledgeStorage = {
    putSnapshot: (id, name, data) => documents.putSnapshot(id, name, data),
    markUnsynced: (id) => ledger.markUnsynced(id),
  };
  return (file, wholeDocument) => storeKnowledge(repo, storage, file, wholeDocument, { onSaveFailed: saves.report });
}
