import { Show, createComponent, createEffect, createMemo, createResource, createSignal, onCleanup, untrack, type Component } from 'solid-js';
import { loadStrings, useI18n } from '../i18n/context.tsx';
import type { LazyArea } from '../i18n/en.ts';

/**
 * A page in its own chunk, like Solid's `lazy`, but a chunk that fails to load (offline and
 * not yet controlled by the service worker, a flaky network) never leaves a blank page: a
 * message with a Retry button takes its place, and the load is tried again by itself when the
 * browser comes back online. Invariant: once a load succeeded, the page is never fetched again.
 * `strings`: the lazy string areas the page shows, fetched with it (so it never paints without them).
 */
export function lazyPage<P extends object>(
  loadPage: () => Promise<Component<P>>,
  strings: readonly LazyArea[] = [],
): Component<P> & { preload: () => void } {
  const load = () => Promise.all([loadPage(), loadStrings(strings)]).then(([page]) => page);
  let loaded: Component<P> | undefined;
  let inFlight: Promise<Component<P>> | undefined;
  const get = (): Promise<Component<P>> => {
    if (loaded) return Promise.resolve(loaded);
    inFlight ??= load().then(
      (c) => (loaded = c),
      (err: unknown) => {
        inFlight = undefined; // the next attempt fetches again
        throw err;
      },
    );
    return inFlight;
  };

  const page = (props: P) => {
    const [attempt, setAttempt] = createSignal(1);
    const [chunk] = createResource(attempt, get);
    const retry = () => setAttempt((n) => n + 1);
    // Back online during an attempt started offline: that attempt may still fail, so try again once it settles.
    let retryWhenSettled = false;
    const onOnline = () => {
      if (chunk.error) retry();
      else if (chunk.loading) retryWhenSettled = true;
    };
    createEffect(() => {
      if (chunk.error && retryWhenSettled) {
        retryWhenSettled = false;
        retry();
      }
    });
    window.addEventListener('online', onOnline);
    onCleanup(() => window.removeEventListener('online', onOnline));
    const view = createMemo(() => {
      // A failed resource throws when read: the fallback shows instead.
      if (chunk.error) return undefined;
      // Read while loading, as `lazy` does, so an enclosing Suspense or transition waits for it.
      const C = chunk();
      return C ? untrack(() => createComponent(C, props)) : undefined;
    });
    return (
      <Show when={!chunk.error} fallback={<PageLoadFailed retry={retry} />}>
        {view()}
      </Show>
    );
  };
  // The router preloads a route's chunk on link hover; a failure then is reported on navigation.
  page.preload = () => void get().catch(() => undefined);
  return page;
}

function PageLoadFailed(props: { retry: () => void }) {
  const { t } = useI18n();
  const [online, setOnline] = createSignal(navigator.onLine);
  const follow = () => setOnline(navigator.onLine);
  window.addEventListener('online', follow);
  window.addEventListener('offline', follow);
  onCleanup(() => {
    window.removeEventListener('online', follow);
    window.removeEventListener('offline', follow);
  });
  return (
    <div class="banner warning" role="alert">
      <span>{online() ? t('failures.pageFailed') : t('failures.pageFailedOffline')}</span>
      <button type="button" onClick={() => props.retry()}>
        {t('failures.retryPage')}
      </button>
    </div>
  );
}
