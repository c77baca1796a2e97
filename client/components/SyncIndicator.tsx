import { useI18n } from '../i18n/context.tsx';
import { useWorkspace } from '../repo/workspace-context.tsx';

/** A live status pill: is this device syncing, and if not, why. */
export function SyncIndicator() {
  const { t } = useI18n();
  const { syncStatus } = useWorkspace();
  return (
    <a href="/settings/sync" class={`sync-indicator sync-${syncStatus()}`} role="status" aria-label={`${t('status.label')}: ${t(`status.${syncStatus()}`)}`} data-status={syncStatus()}>
      <span class="dot" aria-hidden="true" />
      <span class="sync-text">{t(`status.${syncStatus()}`)}</span>
    </a>
  );
}
