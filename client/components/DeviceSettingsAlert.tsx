import { Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { UNREADABLE_KEY } from '../repo/device-settings.ts';
import { useDeviceSettings } from '../repo/device-settings-context.tsx';

/** Tells the person that this device's own settings could not be read or stored, and what follows. */
export function DeviceSettingsAlert() {
  const { t } = useI18n();
  const device = useDeviceSettings();
  return (
    <Show when={device.problem()}>
      {(p) => (
        <div class="banner warning" role="alert">
          <span>
            {((problem) => (problem.kind === 'unreadable' ? t('failures.deviceUnreadable', { key: UNREADABLE_KEY }) : t('failures.deviceUnwritable', { detail: problem.detail })))(p())}
          </span>
          <button type="button" class="secondary" onClick={() => device.dismissProblem()}>
            {t('failures.dismiss')}
          </button>
        </div>
      )}
    </Show>
  );
}
