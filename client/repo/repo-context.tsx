import { onCleanup, type ParentProps } from 'solid-js';
import type { Repo } from '@automerge/automerge-repo';
import { defineContext } from '../context/define-context.tsx';
import { makeRepo, type DeviceRepo } from './make-repo.ts';
import { createSaveFailures, type SaveFailures } from './save-failures.ts';

export interface RepoContextValue {
  repo: Repo;
  /** failed saves of the person's data, shown until a save succeeds; explicit saves report here */
  saves: SaveFailures;
}

/** What the sync engine needs beyond the repo: bulk access to the same IndexedDB and the upload ledger. */
export type RepoStorage = Pick<DeviceRepo, 'documents' | 'ledger'>;

const RepoContext = defineContext<RepoContextValue & { storage: RepoStorage }>({ use: 'useRepo', provider: 'RepoProvider' });

/** The one place where the device's repo is made; it lives as long as the app. */
export function RepoProvider(props: ParentProps) {
  const saves = createSaveFailures();
  const { repo, documents, ledger, saveBeforeUnload } = makeRepo(saves);

  if (navigator.storage?.persist) void navigator.storage.persist().catch(() => false);

  // The repo writes to IndexedDB a moment after each change. When the page is hidden (a phone
  // may then kill it without another event) or goes away, write now and keep what is still in
  // flight in the journal (see journaled-storage.ts).
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') saveBeforeUnload();
  };
  document.addEventListener('visibilitychange', onVisibility);
  window.addEventListener('pagehide', saveBeforeUnload);
  onCleanup(() => {
    document.removeEventListener('visibilitychange', onVisibility);
    window.removeEventListener('pagehide', saveBeforeUnload);
  });

  return <RepoContext.Provider value={{ repo, saves, storage: { documents, ledger } }}>{props.children}</RepoContext.Provider>;
}

/** The device's Automerge repo and where failed saves are reported. */
export function useRepo(): RepoContextValue {
  const { repo, saves } = RepoContext.use();
  return { repo, saves };
}

/** For the sync engine's provider only: UI code goes through the repo. */
export function useRepoStorage(): RepoStorage {
  return RepoContext.use().storage;
}
