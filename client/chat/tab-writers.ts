/*
 * The writer ids this browser tab used before the current page. An answer written under one of
 * them was cut off by a reload: it is interrupted now, not "being written elsewhere" until its
 * heartbeat goes stale. sessionStorage is per tab and survives a reload.
 *
 * Only a reload hands the list over: a duplicated tab (or a window opened by this one) starts
 * with a copy of sessionStorage while the original page may still be writing.
 */

const KEY = 'atelier.tabWriters';
/** the few latest pages of this tab are enough: older answers have gone stale by the clock anyway */
const KEEP = 8;

function isReload(): boolean {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  return nav?.type === 'reload';
}

function read(): string[] {
  try {
    const raw: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

let former: readonly string[] | null = null;
const thisPage: string[] = [];

/**
 * The writer ids of this tab's pages before this one (read once per page); `writerId` is
 * recorded for the next page.
 */
export function formerTabWriters(writerId: string): readonly string[] {
  former ??= isReload() ? read() : [];
  thisPage.push(writerId);
  try {
    sessionStorage.setItem(KEY, JSON.stringify([...former, ...thisPage].slice(-KEEP)));
  } catch {
    // storage refused: after a reload the heartbeat decides, as it does for other tabs
  }
  return former;
}
