import { Router, Route, Navigate } from '@solidjs/router';
import { lazy, type ParentProps } from 'solid-js';
import { I18nProvider } from './i18n/context.tsx';
import { WorkspaceProvider } from './repo/workspace-context.tsx';
import { Shell } from './components/Shell.tsx';
import { ModelsPage } from './models/ModelsPage.tsx';
import { EditPresetPage, NewPresetPage } from './models/PresetEditorPage.tsx';
import { ImportSharedPage } from './models/ImportSharedPage.tsx';
import { PresetsProvider } from './models/presets-context.tsx';
import { PullsProvider } from './ollama/pulls-context.tsx';
import { SettingsLayout } from './pages/settings/SettingsLayout.tsx';
import { GeneralSettings } from './pages/settings/GeneralSettings.tsx';
import { ConnectionsSettings } from './pages/settings/ConnectionsSettings.tsx';
import { SyncSettings } from './pages/settings/SyncSettings.tsx';
import { DataSettings } from './pages/settings/DataSettings.tsx';
import { DocumentsSettings } from './knowledge/DocumentsSettings.tsx';
import { ToolsSettings } from './tools/ToolsSettings.tsx';
import { PairPage } from './pages/PairPage.tsx';
import { ChatSettings } from './chat/ChatSettings.tsx';
import { GenerationsProvider } from './chat/generations.tsx';

const ChatPage = lazy(() => import('./chat/ChatPage.tsx'));

function Root(props: ParentProps) {
  return (
    <I18nProvider>
      <WorkspaceProvider>
        <PullsProvider>
          {/* Above the router outlet: pulls and answers keep running while the person moves around. */}
          <GenerationsProvider>
            <Shell>
              <PresetsProvider>{props.children}</PresetsProvider>
            </Shell>
          </GenerationsProvider>
        </PullsProvider>
      </WorkspaceProvider>
    </I18nProvider>
  );
}

export function App() {
  return (
    <Router root={Root}>
      <Route path="/" component={() => <Navigate href="/models" />} />
      <Route path="/models" component={ModelsPage} />
      <Route path="/models/new" component={NewPresetPage} />
      <Route path="/models/:id" component={EditPresetPage} />
      <Route path="/import" component={ImportSharedPage} />
      <Route path="/chat/:id?" component={ChatPage} />
      <Route path="/settings" component={SettingsLayout}>
        <Route path="/" component={() => <Navigate href="/settings/general" />} />
        <Route path="/general" component={GeneralSettings} />
        <Route path="/connections" component={ConnectionsSettings} />
        <Route path="/sync" component={SyncSettings} />
        <Route path="/data" component={DataSettings} />
        <Route path="/chat" component={ChatSettings} />
        <Route path="/documents" component={DocumentsSettings} />
        <Route path="/tools" component={ToolsSettings} />
      </Route>
      <Route path="/pair" component={PairPage} />
      <Route path="*" component={() => <Navigate href="/models" />} />
    </Router>
  );
}
