import { Router, Route, Navigate } from '@solidjs/router';
import { lazy, type ParentProps } from 'solid-js';
import { I18nProvider } from './i18n/context.tsx';
import { WorkspaceProvider } from './repo/workspace-context.tsx';
import { Shell } from './components/Shell.tsx';
import { ModelsPage } from './models/ModelsPage.tsx';
import { PresetsProvider } from './models/presets-context.tsx';
import { PullsProvider } from './ollama/pulls-context.tsx';
import { GenerationsProvider } from './chat/generations.tsx';

/*
 * Only the first page (the models list, where "/" leads) is in the entry chunk. Every other
 * page is its own chunk, fetched when first visited, so the first paint does not wait for the
 * preset editor, the settings pages (QR code, OpenAI, tools, documents) or the chat stack.
 * The service worker precaches every chunk, so a lazy page still opens offline.
 */
const NewPresetPage = lazy(() => import('./models/PresetEditorPage.tsx').then((m) => ({ default: m.NewPresetPage })));
const EditPresetPage = lazy(() => import('./models/PresetEditorPage.tsx').then((m) => ({ default: m.EditPresetPage })));
const ImportSharedPage = lazy(() => import('./models/ImportSharedPage.tsx').then((m) => ({ default: m.ImportSharedPage })));
const SettingsLayout = lazy(() => import('./pages/settings/SettingsLayout.tsx').then((m) => ({ default: m.SettingsLayout })));
const GeneralSettings = lazy(() => import('./pages/settings/GeneralSettings.tsx').then((m) => ({ default: m.GeneralSettings })));
const ConnectionsSettings = lazy(() =>
  import('./pages/settings/ConnectionsSettings.tsx').then((m) => ({ default: m.ConnectionsSettings })),
);
const SyncSettings = lazy(() => import('./pages/settings/SyncSettings.tsx').then((m) => ({ default: m.SyncSettings })));
const DataSettings = lazy(() => import('./pages/settings/DataSettings.tsx').then((m) => ({ default: m.DataSettings })));
const ChatSettings = lazy(() => import('./chat/ChatSettings.tsx').then((m) => ({ default: m.ChatSettings })));
const DocumentsSettings = lazy(() => import('./knowledge/DocumentsSettings.tsx').then((m) => ({ default: m.DocumentsSettings })));
const ToolsSettings = lazy(() => import('./tools/ToolsSettings.tsx').then((m) => ({ default: m.ToolsSettings })));
const PairPage = lazy(() => import('./pages/PairPage.tsx').then((m) => ({ default: m.PairPage })));
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
