import { createContext, useContext, type ParentProps } from 'solid-js';
import { useDeviceSettings } from '../repo/device-settings-context.tsx';
import { useRepo, useRepoStorage } from '../repo/repo-context.tsx';
import { createSyncEngine, type SyncEngineView } from './create-sync-engine.ts';

/**
 * The encrypted sync as the UI sees it: status, catch-up progress (`bundleProgress`), other devices
 * connected (`peers`), rejected chunks, ephemeral messages (sent by the leader tab).
 */
const SyncContext = createContext<SyncEngineView>();

/** Below RepoProvider and DeviceSettingsProvider: the engine follows the relay link and key in the device settings. */
export function SyncProvider(props: ParentProps) {
  const { repo } = useRepo();
  const { documents, ledger } = useRepoStorage();
  const sync = createSyncEngine(repo, documents, ledger, useDeviceSettings());
  return <SyncContext.Provider value={sync}>{props.children}</SyncContext.Provider>;
}

export function useSync(): SyncEngineView {
  const sync = useContext(SyncContext);
  if (!sync) throw new Error('useSync outside SyncProvider');
  return sync;
}
