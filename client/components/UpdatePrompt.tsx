import { Show } from 'solid-js';
import { useRegisterSW } from 'virtual:pwa-register/solid';
import { useI18n } from '../i18n/context.tsx';

/** Registers the service worker and offers a reload when a new version is waiting. */
export function UpdatePrompt() {
  const { t } = useI18n();
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({ immediate: true });
  return (
    <Show when={needRefresh()}>
      <div class="banner update" role="alert">
        <span>{t('update.available')}</span>
        <button type="button" onClick={() => void updateServiceWorker(true)}>
          {t('update.reload')}
        </button>
        <button type="button" class="secondary" onClick={() => setNeedRefresh(false)}>
          {t('update.dismiss')}
        </button>
      </div>
    </Show>
  );
}
