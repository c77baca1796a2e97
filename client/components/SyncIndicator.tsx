import { useI18n } from '../i18n/context.tsx';
import { useSync } from '../sync/sync-context.tsx';

/** A live status pill: is this device syncing, and if not, why. */
export function SyncIndicator() {
  const { t } = useI18n();
  const { status: syncStatus, bundleProgress } = useSync();
  // While a new device downloads the workspace, say how far it is (it is online, not yet synced).
  const text = () => {
    const p = bundleProgress();
    return syncStatus() === 'online' && p?.total ? t('status.downloading', { stored: String(p.stored), total: String(p.total) }) : t(`status.${syncStatus()}`);
  };
  return (
    <a href="/settings/sync" class={`sync-indicator sync-${syncStatus()}`} role="status" aria-label={`${t('status.label')}: ${text()}`} data-status={syncStatus()}>
      <span class="dot" aria-hidden="true" />
      <span class="sync-text">{text()}</span>
    </a>
  );
}
