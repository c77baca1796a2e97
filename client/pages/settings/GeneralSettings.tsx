import { createSignal, For, Show } from 'solid-js';
import { LOCALES, useI18n, type Locale } from '../../i18n/context.tsx';
import { useWorkspaceDoc } from '../../workspace/workspace-doc-context.tsx';
import { immutable, storedString } from '../../../shared/schema/stored-string.ts';
import { promptVariableToken } from '../../../shared/chat/prompt-variables.ts';

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français' };

export function GeneralSettings() {
  const { t, chosen, setLocale } = useI18n();
  const { workspace } = useWorkspaceDoc();
  const [saved, setSaved] = createSignal(false);
  const userName = () => storedString(workspace()?.doc.settings.userName ?? '');
  return (
    <section aria-labelledby="general-title">
      <h2 id="general-title">{t('general.title')}</h2>
      <label class="field">
        <span>{t('general.language')}</span>
        <select
          value={chosen() ?? ''}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setLocale(v === 'en' || v === 'fr' ? v : null);
          }}
        >
          <option value="">{t('general.languageAuto')}</option>
          <For each={LOCALES}>{(l) => <option value={l}>{LANGUAGE_NAMES[l]}</option>}</For>
        </select>
      </label>
      {/* in the workspace, not on the device: the same person on every paired device */}
      <label class="field">
        <span>{t('general.userName')}</span>
        <input
          value={userName()}
          autocomplete="name"
          aria-describedby="user-name-help"
          disabled={!workspace()}
          onInput={() => setSaved(false)}
          onChange={(e) => {
            const v = e.currentTarget.value.trim();
            const ws = workspace();
            if (!ws || v === userName()) return;
            ws.change((w) => {
              if (v === '') delete w.settings.userName;
              else w.settings.userName = immutable(v);
            });
            setSaved(true);
          }}
        />
        <small id="user-name-help" class="help">
          {t('general.userNameHelp', { token: promptVariableToken('USER_NAME') })}
        </small>
      </label>
      <Show when={saved()}>
        <p role="status">{t('general.userNameSaved')}</p>
      </Show>
    </section>
  );
}
