import { SCHEMA, KIND } from '../schema/kinds.ts';
import type { PresetDoc, PresetView, ParamValue } from '../schema/preset.ts';
import { storedString } from '../schema/stored-string.ts';
import { SLUG_MAX_LENGTH } from './slug.ts';

/*
 * Clone, as Open WebUI does it (Models.svelte): id `<id>-clone`, name `<name> (Clone)` (the
 * suffix in the reader's language, given by the caller: this module has no strings),
 * everything else copied — the hidden flag included.
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

function copyParam(v: ParamValue): ParamValue {
  if (Array.isArray(v)) return v.map(String);
  // an Automerge view may hold a string as an ImmutableString object
  return typeof v === 'object' && v !== null ? String(v) : v;
}

function copyRecord<T, U>(r: Record<string, T>, f: (v: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const [k, v] of Object.entries(r)) out[k] = f(v);
  return out;
}

const keep = <T>(v: T): T => v;

/**
 * A complete new preset document copying `p` (which may be a read-only Automerge view):
 * plain objects only, nothing shared with the source. The avatar blob is referenced, not
 * copied (blob documents are never edited in place: a new picture is a new blob).
 * Suggestion and knowledge keys are kept.
 */
export function clonePresetFields(p: PresetDoc, newId: string, taken: ReadonlySet<string>, now: number, nameSuffix: string): PresetView {
  return {
    schema: SCHEMA.preset,
    kind: KIND.preset,
    id: newId,
    slug: cloneSlug(p.slug, taken),
    name: cloneName(storedString(p.name), nameSuffix),
    baseModel: p.baseModel,
    description: String(p.description),
    system: String(p.system),
    params: copyRecord(p.params, copyParam),
    ...(p.customParams ? { customParams: copyRecord(p.customParams, (v) => storedString(v)) } : {}),
    suggestions: copyRecord(p.suggestions, (s) => ({
      title: String(s.title),
      subtitle: String(s.subtitle),
      prompt: String(s.prompt),
      order: s.order,
    })),
    tags: copyRecord(p.tags, keep),
    hidden: p.hidden,
    vision: p.vision,
    capabilities: copyRecord(p.capabilities, keep),
    avatar: p.avatar,
    knowledge: copyRecord(p.knowledge, (k) => ({
      name: String(k.name),
      type: String(k.type),
      url: k.url,
      externalId: k.externalId,
    })),
    toolIds: copyRecord(p.toolIds, keep),
    filterIds: copyRecord(p.filterIds, keep),
    actionIds: copyRecord(p.actionIds, keep),
    ...(p.chatOff ? { chatOff: copyRecord(p.chatOff, keep) } : {}),
    ...(p.fallbackModels && p.fallbackModels.length > 0 ? { fallbackModels: p.fallbackModels.map((m) => storedString(m)) } : {}),
    createdAt: now,
    updatedAt: now,
    // Open WebUI fields kept from an import go along, so the clone exports them too
    ...(p.extra != null ? { extra: storedString(p.extra) } : {}),
  };
}
