import { createSignal, onCleanup } from 'solid-js';
import { getConflicts, ImmutableString } from '@automerge/automerge';
import type { DocHandle } from '@automerge/automerge-repo';
import type { PresetDoc } from '../../../shared/schema/index.ts';

/**
 * The values a short field (name, a suggestion's title) was given on other devices at the same
 * time, which lost to the value shown (Automerge keeps every concurrent value of a key; one wins
 * on every device). A new write of any value replaces them all, so picking one resolves it everywhere.
 */
export interface FieldConflicts {
  name: () => string[];
  suggestionTitle: (id: string) => string[];
}

function asString(v: unknown): string | null {
  if (typeof v === 'string') return v;
  return v instanceof ImmutableString ? v.val : null;
}

/** The other values of `prop` in `obj` (a part of an Automerge document), without the one shown. */
function others(obj: unknown, prop: string): string[] {
  if (typeof obj !== 'object' || obj === null) return [];
  const all = getConflicts(obj as Record<string, unknown>, prop);
  if (!all) return [];
  const shown = asString((obj as Record<string, unknown>)[prop]);
  const values = new Set<string>();
  for (const v of Object.values(all)) {
    const s = asString(v);
    if (s !== null && s !== shown) values.add(s);
  }
  return [...values].sort((a, b) => a.localeCompare(b));
}

/** Conflicts of the preset's short fields, read again at every change of its document. */
export function createFieldConflicts(handle: DocHandle<PresetDoc>): FieldConflicts {
  const [version, setVersion] = createSignal(0);
  const bump = () => setVersion((n) => n + 1);
  handle.on('change', bump);
  onCleanup(() => handle.off('change', bump));
  const doc = () => {
    version();
    return handle.doc();
  };
  return {
    name: () => others(doc(), 'name'),
    suggestionTitle: (id) => others(doc()?.suggestions[id], 'title'),
  };
}
