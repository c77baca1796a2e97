import { updateText } from '@automerge/automerge-repo';
import { PRESET_TEXT_FIELDS, storableField, type Plain, type PresetDoc } from '../../../shared/schema/index.ts';
import { plainCopy } from '../../store/plain-copy.ts';

/** What "Restore" writes back: the system prompt, or every field a person edits. */
export type RestoreScope = 'system' | 'all';

/** Fields a restore never writes: identity, bookkeeping, and what Atelier itself maintains. */
const KEPT: ReadonlySet<string> = new Set(['schema', 'kind', 'id', 'slug', 'createdAt', 'updatedAt', 'slugChanged', 'extra']);
const TEXTS: ReadonlySet<string> = new Set(PRESET_TEXT_FIELDS);

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => (a === undefined || b === undefined ? a === b : JSON.stringify(a) === JSON.stringify(b));

/**
 * Writes `old`'s values over `d` (inside a change; `current` is the document as it is before it),
 * as edits: texts by splices (updateText), maps entry by entry, other fields only when they
 * differ. History is never rewound: the result is a new change that syncs like any edit.
 * Returns the fields it changed.
 */
export function restoreVersion(d: PresetDoc, current: A_Preset, old: A_Preset, scope: RestoreScope): string[] {
  // read from the document, not the change's proxy (whose lists are not arrays)
  const before = plainCopy(current) as unknown as Record<string, unknown>;
  const target = plainCopy(old) as unknown as Record<string, unknown>;
  const doc = d as unknown as Record<string, unknown>;
  const changed = fieldsToRestore(current, old, scope);
  for (const key of changed) {
    const now = before[key];
    const then = target[key];
    if (TEXTS.has(key)) {
      updateText(d, [key], typeof then === 'string' ? then : '');
    } else if (then === undefined) {
      delete doc[key];
    } else if (isMap(now) && isMap(then) && isMap(doc[key])) {
      const live = doc[key] as Record<string, unknown>;
      const stored = storableField(key, then) as Record<string, unknown>;
      for (const k of Object.keys(now)) if (!(k in then)) delete live[k];
      for (const [k, v] of Object.entries(then)) if (!same(now[k], v)) live[k] = stored[k];
    } else {
      doc[key] = storableField(key, then);
    }
  }
  return changed;
}

/** The fields a restore of `old` would write (none: nothing to restore). */
export function fieldsToRestore(current: A_Preset, old: A_Preset, scope: RestoreScope): string[] {
  const before = plainCopy(current) as unknown as Record<string, unknown>;
  const target = plainCopy(old) as unknown as Record<string, unknown>;
  const keys = scope === 'system' ? ['system'] : [...new Set([...Object.keys(before), ...Object.keys(target)])].filter((k) => !KEPT.has(k));
  return keys.filter((k) => !same(before[k], target[k]));
}

/** A preset version as read from Automerge (a view) or a UI store. */
type A_Preset = PresetDoc | Plain<PresetDoc>;
