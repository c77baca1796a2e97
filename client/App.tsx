import { Router, Route, Navigate } from '@solidjs/router';
import type { ParentProps } from 'solid-js';
import { lazyPage } from './components/lazy-page.tsx';
import { AppProviders } from './app-providers.tsx';
import { Shell } from './components/Shell.tsx';
import { ModelsPage } from './models/ModelsPage.tsx';
import { PresetsProvider } from './models/presets-context.tsx';

/*
 * Only the first page (the models list, where "/" leads) is in the entry chunk. Every other
 * page is its own chunk, fetched when first visited, so the first paint does not wait for the
 * preset editor, the settings pages (QR code, OpenAI, tools, documents) or the chat stack.
 * The service worker precaches every chunk and controls the page from the first visit, so a
 * lazy page still opens offline; a chunk that cannot load shows a message and a Retry
 * (lazyPage), never a blank page.
 */
const NewPresetPage = lazyPage(() => import('./models/PresetEditorPage.tsx').then((m) => m.NewPresetPage), ['tools', 'knowledge']);
const EditPresetPage = lazyPage(() => import('./models/PresetEditorPage.tsx').then((m) => m.EditPresetPage), ['tools', 'knowledge']);
const ImportSharedPage = lazyPage(() => import('./models/ImportSharedPage.tsx').then((m) => m.ImportSharedPage));
const SettingsLayout = lazyPage(() => import('./pages/settings/SettingsLayout.tsx').then((m) => m.SettingsLayout), ['knowledge', 'tools']);
const GeneralSettings = lazyPage(() => import('./pages/settings/GeneralSettings.tsx').then((m) => m.GeneralSettings));
const ConnectionsSettings = lazyPage(() =>
  import('./pages/settings/ConnectionsSettings.tsx').then((m) => m.ConnectionsSettings),
);
const SyncSettings = lazyPage(() => import('./pages/settings/SyncSettings.tsx').then((m) => m.SyncSettings));
const DataSettings = lazyPage(() => import('./pages/settings/DataSettings.tsx').then((m) => m.DataSettings), ['chat']);
const ChatSettings = lazyPage(() => import('./chat/ChatSettings.tsx').then((m) => m.ChatSettings), ['chat']);
const DocumentsSettings = lazyPage(() => import('./knowledge/DocumentsSettings.tsx').then((m) => m.DocumentsSettings), ['knowledge']);
const ToolsSettings = lazyPage(() => import('./tools/ToolsSettings.tsx').then((m) => m.ToolsSettings), ['tools']);
const PairPage = lazyPage(() => import('./pages/PairPage.tsx').then((m) => m.PairPage));
const ChatPage = lazyPage(() => import('./chat/ChatPage.tsx').then((m) => m.default), ['chat', 'tools', 'knowledge', 'codeRunner']);

function Root(props: ParentProps) {
  return (
    <AppProviders>
      <Shell>
        <PresetsProvider>{props.children}</PresetsProvider>
      </Shell>
    </AppProviders>
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
      {/* A device being paired goes to its chats next: their page's code is fetched while the workspace downloads. */}
      <Route path="/pair" component={PairPage} preload={() => ChatPage.preload()} />
      <Route path="*" component={() => <Navigate href="/models" />} />
    </Router>
  );
}
