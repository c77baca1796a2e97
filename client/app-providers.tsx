import type { ParentProps } from 'solid-js';
import { I18nProvider } from './i18n/context.tsx';
import { DeviceSettingsProvider } from './repo/device-settings-context.tsx';
import { RepoProvider } from './repo/repo-context.tsx';
import { SyncProvider } from './sync/sync-context.tsx';
import { WorkspaceDocProvider } from './workspace/workspace-doc-context.tsx';
import { OllamaModelsProvider } from './ollama/known-models-context.tsx';
import { OpenAIConnectionsProvider } from './openai/connections-context.tsx';
import { PullsProvider } from './ollama/pulls-context.tsx';
import { GenerationsProvider } from './chat/generations.tsx';

/**
 * Every app-wide provider, each below the ones it reads: device settings and the repo first,
 * then the sync (both), the workspace document (both), the model connections, then the pulls
 * (device settings, Ollama models) and the answers being generated (sync, for live text).
 * Pulls and generations are above the router outlet, so they keep running while the person
 * moves around.
 */
export function AppProviders(props: ParentProps) {
  return (
    <I18nProvider>
      <DeviceSettingsProvider>
        <RepoProvider>
          <SyncProvider>
            <WorkspaceDocProvider>
              <OllamaModelsProvider>
                <OpenAIConnectionsProvider>
                  <PullsProvider>
                    <GenerationsProvider>{props.children}</GenerationsProvider>
                  </PullsProvider>
                </OpenAIConnectionsProvider>
              </OllamaModelsProvider>
            </WorkspaceDocProvider>
          </SyncProvider>
        </RepoProvider>
      </DeviceSettingsProvider>
    </I18nProvider>
  );
}
