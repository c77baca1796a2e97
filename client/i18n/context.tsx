import { createEffect, createMemo, createSignal, type ParentProps } from 'solid-js';
import * as i18n from '@solid-primitives/i18n';
import * as v from 'valibot';
import { defineContext } from '../context/define-context.tsx';
import { createPersisted, makePersisted } from '../device/persisted.ts';
import { en, type Dictionary, type LazyArea, type LazyStrings } from './en.ts';

export type Locale = 'en' | 'fr';
export const LOCALES: readonly Locale[] = ['en', 'fr'];

/*
 * English is in the first page's bundle (the source dictionary, and the fallback); every other
 * language is a chunk of its own, fetched when it is the one in use, so nobody downloads the
 * languages they do not read. The service worker precaches those chunks: switching works offline.
 */
const loaded: Partial<Record<Locale, Dictionary>> = {};
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<Dictionary>> = {
  fr: () => import('./fr.ts').then((m) => m.fr),
};

/** The dictionary of `l`, fetched once; main.tsx awaits the starting language before the first render. */
export async function loadDictionary(l: Locale): Promise<void> {
  if (l === 'en' || loaded[l]) return;
  loaded[l] = await loaders[l]();
}

/*
 * English areas that only pages in chunks of their own show (the chat, documents, tools) are
 * chunks too, fetched with those pages (`lazyPage`'s `strings`). A string of an area not here
 * yet reads as '' and fetches the area; the views showing it update when it arrives.
 */
const areaLoaders: { [A in LazyArea]: () => Promise<LazyStrings[A]> } = {
  chat: () => import('../chat/strings.ts').then((m) => m.chatStrings.en),
  knowledge: () => import('../knowledge/strings.ts').then((m) => m.knowledgeStrings.en),
  tools: () => import('../tools/strings.ts').then((m) => m.toolsStrings.en),
  codeRunner: () => import('../chat/code-runner/strings.ts').then((m) => m.codeRunnerEn),
};
const [areas, setAreas] = createSignal<Partial<LazyStrings>>({});
const areaLoads = new Map<LazyArea, Promise<void>>();

function isLazyArea(name: string): name is LazyArea {
  return Object.hasOwn(areaLoaders, name);
}

/** Fetches the English strings of these areas (once each); a failed fetch is tried again at the next call. */
export function loadStrings(names: readonly LazyArea[]): Promise<void> {
  return Promise.all(
    names.map((name) => {
      let load = areaLoads.get(name);
      if (!load) {
        load = areaLoaders[name]().then(
          (strings) => void setAreas((a) => ({ ...a, [name]: strings })),
          (err: unknown) => {
            areaLoads.delete(name);
            throw err;
          },
        );
        areaLoads.set(name, load);
      }
      return load;
    }),
  ).then(() => undefined);
}

type Flat = i18n.Flatten<Dictionary>;
export type Translate = i18n.Translator<Flat>;

interface I18nContextValue {
  t: Translate;
  locale: () => Locale;
  /** null = follow the browser */
  setLocale: (l: Locale | null) => void;
  chosen: () => Locale | null;
}

const I18nContext = defineContext<I18nContextValue>({ use: 'useI18n', provider: 'I18nProvider' });

export function browserLocale(languages: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  for (const lang of languages) {
    const base = lang.toLowerCase().split('-')[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

/** The language chosen on this device; null (nothing stored) = follow the browser. */
const storedLocale = makePersisted<Locale | null>({
  key: 'atelier.locale',
  what: 'language',
  schema: v.picklist(LOCALES),
  fallback: () => null,
  text: true,
});

/** The language the app starts in: the one chosen on this device, else the browser's. */
export function startLocale(): Locale {
  return storedLocale.read() ?? browserLocale();
}

export function I18nProvider(props: ParentProps) {
  // Follows a language chosen in another tab.
  const [chosen, setChosen] = createPersisted(storedLocale);
  const wanted = createMemo<Locale>(() => chosen() ?? browserLocale());
  // The language shown: the wanted one once its dictionary is here (English until then).
  const [locale, setShown] = createSignal<Locale>(wanted() === 'en' || loaded[wanted()] ? wanted() : 'en');
  createEffect(() => {
    const l = wanted();
    loadDictionary(l).then(
      () => {
        if (wanted() === l) setShown(l);
      },
      // Not reachable (offline before the service worker cached it): stay in the language shown.
      () => undefined,
    );
  });
  // English lacks the lazy areas not fetched yet: the cast is what `t` below makes safe.
  const flat = createMemo(() => i18n.flatten(loaded[locale()] ?? ({ ...en, ...areas() } as Dictionary)));
  const translate = i18n.translator(flat, i18n.resolveTemplate);
  const t = ((key: keyof Flat, ...rest: unknown[]) => {
    const text: unknown = (translate as (k: keyof Flat, ...r: unknown[]) => unknown)(key, ...rest);
    if (text !== undefined) return text;
    const area = String(key).split('.', 1)[0]!;
    if (isLazyArea(area)) void loadStrings([area]).catch(() => undefined);
    return '';
  }) as Translate;
  const setLocale = (l: Locale | null) => setChosen(l);
  createMemo(() => {
    document.documentElement.lang = locale();
  });
  return <I18nContext.Provider value={{ t, locale, setLocale, chosen }}>{props.children}</I18nContext.Provider>;
}

export const useI18n = I18nContext.use;
