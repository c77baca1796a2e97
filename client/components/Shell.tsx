import { A, useLocation } from '@solidjs/router';
import { Show, type ParentProps } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { usePulls } from '../ollama/pulls-context.tsx';
import { SyncIndicator } from './SyncIndicator.tsx';
import { UpdatePrompt } from './UpdatePrompt.tsx';
import { SaveFailureBanner } from './SaveFailureBanner.tsx';
import { DeviceSettingsAlert } from './DeviceSettingsAlert.tsx';

/** The frame around every page: brand, main navigation, running pulls (outside their settings page), sync status, update prompt, failed saves. */
export function Shell(props: ParentProps) {
  const { t } = useI18n();
  const { workspace, readOnly } = useWorkspaceDoc();
  const location = useLocation();
  const pulls = usePulls();
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header class="topbar">
        <span class="brand">{t('app.name')}</span>
        <nav class="main-nav" aria-label={t('nav.main')}>
          <A href="/models">{t('nav.models')}</A>
          <A href="/chat">{t('nav.chat')}</A>
          <A href="/settings">{t('nav.settings')}</A>
        </nav>
        <Show when={pulls.activeCount() > 0 && !location.pathname.startsWith('/settings/connections')}>
          <A class="pulls-indicator" href="/settings/connections" aria-label={t('connections.pullsRunningLabel', { n: pulls.activeCount() })}>
            {t('connections.pullsRunning', { n: pulls.activeCount() })}
          </A>
        </Show>
        <SyncIndicator />
      </header>
      <UpdatePrompt />
      <SaveFailureBanner />
      <DeviceSettingsAlert />
      <main id="main" class="content" tabIndex={-1}>
        <Show when={readOnly()}>
          <p class="banner warning" role="status">
            {t('app.readOnly', { what: 'workspace', version: '?' })}
          </p>
        </Show>
        {/* The models page shows its saved list while the workspace opens (list-view-cache.ts). */}
        <Show when={workspace() || location.pathname === '/models'} fallback={<WorkspaceStatus />}>
          {props.children}
        </Show>
      </main>
    </div>
  );
}

/** "Opening your workspace…", or why it could not be opened. */
export function WorkspaceStatus() {
  const { t } = useI18n();
  const { openError } = useWorkspaceDoc();
  return (
    <p class="loading" role="status">
      {openError() ? t('app.loadFailed', { message: openError() ?? '' }) : t('app.loading')}
    </p>
  );
}
