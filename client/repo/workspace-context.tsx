/**
 * @deprecated Remove once client/chat/create-chat.ts reads the narrow contexts (useRepo,
 * useDeviceSettings, useWorkspaceDoc, useOllamaModels, useOpenAIConnections, useSync): this
 * shim composes them into the old shape and is the one allow-listed reason repo/ imports
 * layers above it (client/layering.test.ts).
 */
import { useDeviceSettings } from './device-settings-context.tsx';
import { useRepo } from './repo-context.tsx';
import { useSync } from '../sync/sync-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { useOllamaModels } from '../ollama/known-models-context.tsx';
import { useOpenAIConnections } from '../openai/connections-context.tsx';

type SyncView = ReturnType<typeof useSync>;

type WorkspaceContextValue = ReturnType<typeof useRepo> &
  ReturnType<typeof useWorkspaceDoc> & {
    device: ReturnType<typeof useDeviceSettings>;
    syncStatus: SyncView['status'];
    bundleProgress: SyncView['bundleProgress'];
    sync: Pick<SyncView, 'peers' | 'rejected' | 'sendEphemeral' | 'onEphemeral'>;
    ollamaModels: ReturnType<typeof useOllamaModels>;
    openai: ReturnType<typeof useOpenAIConnections>;
  };

/** @deprecated Use the narrow reader of the concern you need; see the file comment. */
export function useWorkspace(): WorkspaceContextValue {
  const { repo, saves } = useRepo();
  const sync = useSync();
  return {
    repo,
    saves,
    device: useDeviceSettings(),
    syncStatus: sync.status,
    bundleProgress: sync.bundleProgress,
    sync,
    ...useWorkspaceDoc(),
    ollamaModels: useOllamaModels(),
    openai: useOpenAIConnections(),
  };
}
