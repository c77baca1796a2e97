import { For, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { UNREADABLE_KEY } from '../repo/device-settings.ts';
import { deviceStorageProblems, dismissDeviceStorageProblems, type DeviceStorageProblem } from '../device/storage-problems.ts';

/**
 * Tells the person that this device's own storage (settings, drafts, caches in localStorage)
 * could not be read or written, and what follows. One line per store and kind of problem.
 */
export function DeviceSettingsAlert() {
  const { t } = useI18n();
  const message = (p: DeviceStorageProblem): string => {
    const what = t(`failures.stored.${p.what}`);
    if (p.kind === 'unreadable') return p.what === 'deviceSettings' ? t('failures.deviceUnreadable', { key: UNREADABLE_KEY }) : t('failures.storedUnreadable', { what, key: p.keptAt });
    const text = p.failure.kind === 'quota' ? t('failures.storedQuota', { what }) : p.failure.kind === 'refused' ? t('failures.storedRefused', { what }) : t('failures.storedOther', { what });
    return `${text} ${t('failures.saveDetail', { detail: p.failure.detail })}`;
  };
  // Two drafts failing say the same thing: shown once.
  const lines = () => [...new Set(deviceStorageProblems().map(message))];
  return (
    <Show when={lines().length > 0}>
      <div class="banner warning" role="alert">
        <div>
          <For each={lines()}>{(line) => <p>{line}</p>}</For>
        </div>
        <button type="button" class="secondary" onClick={() => dismissDeviceStorageProblems()}>
          {t('failures.dismiss')}
        </button>
      </div>
    </Show>
  );
}
