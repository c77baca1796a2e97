import { createContext, createMemo, createSignal, useContext, type ParentProps } from 'solid-js';
import * as i18n from '@solid-primitives/i18n';
import { en, type Dictionary } from './en.ts';
import { fr } from './fr.ts';

export type Locale = 'en' | 'fr';
export const LOCALES: readonly Locale[] = ['en', 'fr'];
const dictionaries: Record<Locale, Dictionary> = { en, fr };

type Flat = i18n.Flatten<Dictionary>;
export type Translate = i18n.Translator<Flat>;

interface I18nContextValue {
  t: Translate;
  locale: () => Locale;
  /** null = follow the browser */
  setLocale: (l: Locale | null) => void;
  chosen: () => Locale | null;
}

const I18nContext = createContext<I18nContextValue>();

export function browserLocale(languages: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  for (const lang of languages) {
    const base = lang.toLowerCase().split('-')[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

const STORAGE_KEY = 'atelier.locale';

function storedLocale(): Locale | null {
  const v = localStorage.getItem(STORAGE_KEY);
  return v === 'en' || v === 'fr' ? v : null;
}

export function I18nProvider(props: ParentProps) {
  const [chosen, setChosen] = createSignal<Locale | null>(storedLocale());
  const locale = createMemo<Locale>(() => chosen() ?? browserLocale());
  const flat = createMemo(() => i18n.flatten(dictionaries[locale()]));
  const t = i18n.translator(flat, i18n.resolveTemplate);
  const setLocale = (l: Locale | null) => {
    if (l) localStorage.setItem(STORAGE_KEY, l);
    else localStorage.removeItem(STORAGE_KEY);
    setChosen(l);
  };
  createMemo(() => {
    document.documentElement.lang = locale();
  });
  return <I18nContext.Provider value={{ t, locale, setLocale, chosen }}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18nContextValue {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
