import { For } from 'solid-js';
import { LOCALES, useI18n, type Locale } from '../../i18n/context.tsx';

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français' };

export function GeneralSettings() {
  const { t, chosen, setLocale } = useI18n();
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
    </section>
  );
}
