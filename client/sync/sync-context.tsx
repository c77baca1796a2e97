import { defineStoreContext } from '../context/define-context.tsx';
import { useDeviceSettings } from '../repo/device-settings-context.tsx';
import { useRepo, useRepoStorage } from '../repo/repo-context.tsx';
import { createSyncEngine, type SyncEngineView } from './create-sync-engine.ts';

/**
 * The encrypted sync as the UI sees it: status, catch-up progress (`bundleProgress`), other devices
 * connected (`peers`), rejected chunks, ephemeral messages (sent by the leader tab).
 * Below RepoProvider and DeviceSettingsProvider: the engine follows the relay link and key in the device settings.
 */
const Sync = defineStoreContext<SyncEngineView>({ use: 'useSync', provider: 'SyncProvider' }, () => {
  const { repo } = useRepo();
  const { documents, ledger } = useRepoStorage();
  return createSyncEngine(repo, documents, ledger, useDeviceSettings());
});

export const SyncProvider = Sync.Provider;
export const useSync = Sync.use;
