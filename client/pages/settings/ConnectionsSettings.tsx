import { createSignal, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { useWorkspace } from '../../repo/workspace-context.tsx';

export function ConnectionsSettings() {
  const { t } = useI18n();
  const { device } = useWorkspace();
  const [saved, setSaved] = createSignal(false);
  return (
    <section aria-labelledby="connections-title">
      <h2 id="connections-title">{t('connections.title')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const value = new FormData(e.currentTarget).get('endpoint');
          if (typeof value === 'string' && value.trim()) {
            device.update({ ollamaEndpoint: value.trim() });
            setSaved(true);
          }
        }}
      >
        <label class="field">
          <span>{t('connections.endpoint')}</span>
          <input name="endpoint" type="url" value={device.settings.ollamaEndpoint} required onInput={() => setSaved(false)} />
        </label>
        <p class="help">{t('connections.endpointHelp')}</p>
        <button type="submit">{t('common.save')}</button>
        <Show when={saved()}>
          <p role="status">{t('connections.saved')}</p>
        </Show>
      </form>
    </section>
  );
}
