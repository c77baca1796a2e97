import type { SavedPull } from './pull-manager.ts';

/*
 * The unfinished pulls of this tab, in sessionStorage: a reload shows them as interrupted (with
 * Resume) instead of losing them without a trace. Per tab, like the pulls themselves: another
 * tab's running pulls are not this tab's to call interrupted.
 */

const KEY = 'atelier.pulls';

export function loadSavedPulls(): SavedPull[] {
  try {
    const raw: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (p): p is SavedPull =>
        typeof p === 'object' && p !== null && typeof (p as SavedPull).model === 'string' && typeof (p as SavedPull).endpoint === 'string' && typeof (p as SavedPull).createdAt === 'number',
    );
  } catch {
    return [];
  }
}

export function savePulls(pulls: readonly SavedPull[]): void {
  try {
    if (pulls.length === 0) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, JSON.stringify(pulls));
  } catch {
    // storage refused: the pulls still run, only a reload would not show them
  }
}
