import { createResource, createSignal, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useDeviceSettings } from '../repo/device-settings-context.tsx';
import { formatBytes } from '../ollama/format.ts';

const NEARLY_FULL = 0.9;

/** How safe the data on this device is: space, persistence, last sync. */
export function StorageHealth() {
  const { t, locale } = useI18n();
  const device = useDeviceSettings();
  const [asked, setAsked] = createSignal(0);
  const [estimate] = createResource(asked, async () => (navigator.storage?.estimate ? navigator.storage.estimate() : null));
  const [persisted] = createResource(asked, async () => (navigator.storage?.persisted ? navigator.storage.persisted() : false));
  const ratio = () => {
    const e = estimate();
    return e?.usage !== undefined && e.quota ? e.usage / e.quota : null;
  };
  const lastSync = () => {
    const at = device.settings.lastSyncAt;
    return at ? new Date(at).toLocaleString(locale()) : t('backup.never');
  };
  return (
    <section aria-labelledby="storage-title">
      <h3 id="storage-title">{t('backup.storage')}</h3>
      <Show when={estimate()} fallback={<p>{t('backup.unknownUsage')}</p>}>
        {(e) => <p>{t('backup.used', { used: formatBytes(e().usage ?? 0, locale()), quota: formatBytes(e().quota ?? 0, locale()) })}</p>}
      </Show>
      <Show when={(ratio() ?? 0) > NEARLY_FULL}>
        <p role="alert" class="banner warning">
          {t('backup.nearlyFull', { percent: Math.round((ratio() ?? 0) * 100) })}
        </p>
      </Show>
      <Show when={persisted.state === 'ready'}>
        <Show
          when={persisted()}
          fallback={
            <div class="banner warning" role="status">
              <span>{t('backup.notPersistent')}</span>
              <button type="button" class="secondary" onClick={() => void navigator.storage?.persist?.().then(() => setAsked(asked() + 1))}>
                {t('backup.askPersist')}
              </button>
            </div>
          }
        >
          <p>{t('backup.persistent')}</p>
        </Show>
      </Show>
      <Show when={device.settings.relay} fallback={<p class="banner warning">{t('backup.notPaired')}</p>}>
        <p>{t('backup.lastSync', { when: lastSync() })}</p>
      </Show>
    </section>
  );
}
