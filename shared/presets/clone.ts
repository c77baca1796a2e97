import { SCHEMA, KIND } from '../schema/kinds.ts';
import { PRESET_FIELDS, PRESET_FIELD_NAMES, type PresetDoc, type PresetField, type PresetView } from '../schema/preset.ts';
import { plainValue, storedString } from '../schema/stored-string.ts';
import { SLUG_MAX_LENGTH } from './slug.ts';

/*
 * Clone, as Open WebUI does it (Models.svelte): id `<id>-clone`, name `<name> (Clone)` (the
 * suffix in the reader's language, given by the caller: this module has no strings),
 * everything else copied — the hidden flag included (PRESET_FIELDS says which field is which).
 */

const CLONE = '-clone';

/** `<slug>-clone`, or `<slug>-clone-2`, `-clone-3`, … when taken. The slug is shortened if the result would exceed the maximum length. */
export function cloneSlug(slug: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? CLONE : `${CLONE}-${n}`;
    const candidate = slug.slice(0, SLUG_MAX_LENGTH - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/** `suffix` is the localised "(Clone)". */
export function cloneName(name: string, suffix: string): string {
  return `${name} ${suffix}`;
}

/**
 * A complete new preset document copying `p` (which may be a read-only Automerge view):
 * plain objects only, nothing shared with the source. Every field is copied or set as
 * PRESET_FIELDS says (`clone`). The avatar blob is referenced, not copied (blob documents are
 * never edited in place: a new picture is a new blob). Suggestion and knowledge keys are kept.
 */
export function clonePresetFields(p: PresetDoc | PresetView, newId: string, taken: ReadonlySet<string>, now: number, nameSuffix: string): PresetView {
  const own: { [K in PresetField]?: PresetView[K] } = {
    schema: SCHEMA.preset,
    kind: KIND.preset,
    id: newId,
    slug: cloneSlug(p.slug, taken),
    name: cloneName(storedString(p.name), nameSuffix),
    createdAt: now,
    updatedAt: now,
  };
  const out: Record<string, unknown> = {};
  for (const key of PRESET_FIELD_NAMES) {
    const how = PRESET_FIELDS[key].clone;
    const value = how === 'own' ? own[key] : how === 'copy' ? plainValue((p as Record<string, unknown>)[key]) : undefined;
    if (value !== undefined) out[key] = value;
  }
  return out as PresetView;
}
