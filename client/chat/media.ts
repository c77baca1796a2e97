import { createSignal, onCleanup, type Accessor } from 'solid-js';

/** Whether a CSS media query matches, kept up to date (e.g. phone vs desktop layout). */
export function createMediaQuery(query: string): Accessor<boolean> {
  const mql = window.matchMedia(query);
  const [matches, setMatches] = createSignal(mql.matches);
  const onChange = (e: MediaQueryListEvent) => setMatches(e.matches);
  mql.addEventListener('change', onChange);
  onCleanup(() => mql.removeEventListener('change', onChange));
  return matches;
}

export const PHONE_QUERY = '(max-width: 640px)';
