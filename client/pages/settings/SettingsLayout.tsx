import { A } from '@solidjs/router';
import type { ParentProps } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';

export function SettingsLayout(props: ParentProps) {
  const { t } = useI18n();
  return (
    <div class="settings">
      <h1>{t('nav.settings')}</h1>
      <nav class="sub-nav" aria-label={t('nav.settingsSections')}>
        <A href="/settings/general">{t('nav.general')}</A>
        <A href="/settings/connections">{t('nav.connections')}</A>
        <A href="/settings/chat">{t('nav.chat')}</A>
        <A href="/settings/documents">{t('knowledge.nav')}</A>
        <A href="/settings/tools">{t('tools.nav')}</A>
        <A href="/settings/sync">{t('nav.sync')}</A>
        <A href="/settings/data">{t('nav.data')}</A>
      </nav>
      <div class="settings-body">{props.children}</div>
    </div>
  );
}
