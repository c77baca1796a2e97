/**
 * @deprecated Remove once client/chat/create-chat.ts reads the narrow contexts (useRepo,
 * useDeviceSettings, useWorkspaceDoc, useOllamaModels, useOpenAIConnections, useSync): this
 * shim composes them into the old shape and is the one allow-listed reason repo/ imports
 * layers above it (client/layering.test.ts).
 */
import type { Accessor } from 'solid-js';
import type { Repo } from '@automerge/automerge-repo';
import type { WorkspaceDoc } from '../../shared/schema/index.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import type { SyncStatus } from '../sync/sync-status.ts';
import type { SyncEngineView } from '../sync/create-sync-engine.ts';
import type { BundleProgress } from '../sync/download-bundle.ts';
import type { KnownModelsStore } from '../ollama/known-models.ts';
import type { OpenAIConnectionsStore } from '../openai/connections.ts';
import type { DeviceSettingsStore } from './device-settings.ts';
import type { SaveFailures } from './save-failures.ts';
import { useDeviceSettings } from './device-settings-context.tsx';
import { useRepo } from './repo-context.tsx';
import { useSync } from '../sync/sync-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { useOllamaModels } from '../ollama/known-models-context.tsx';
import { useOpenAIConnections } from '../openai/connections-context.tsx';

interface WorkspaceContextValue {
  repo: Repo;
  device: DeviceSettingsStore;
  syncStatus: Accessor<SyncStatus>;
  bundleProgress: Accessor<BundleProgress | null>;
  sync: Pick<SyncEngineView, 'peers' | 'rejected' | 'sendEphemeral' | 'onEphemeral'>;
  workspace: Accessor<DocStore<WorkspaceDoc> | undefined>;
  readOnly: Accessor<boolean>;
  openError: Accessor<string | null>;
  ollamaModels: KnownModelsStore;
  openai: OpenAIConnectionsStore;
  saves: SaveFailures;
}

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
