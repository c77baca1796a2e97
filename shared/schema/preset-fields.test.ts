import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { KIND, SCHEMA } from './kinds.ts';
import { PRESET_FIELDS, PRESET_FIELD_NAMES, PresetSchema, type PresetDoc, type PresetField, type PresetView } from './preset.ts';
import { replacePresetFields, storablePreset } from './preset-write.ts';
import { plainValue } from './stored-string.ts';
import { checkDoc } from './validate.ts';
import { migrate } from './migrate.ts';
import { presetToOpenWebUI } from '../openwebui/export.ts';
import { parseOpenWebUIImport } from '../openwebui/import.ts';
import { presetFromImport } from '../openwebui/to-preset.ts';
import { encodePresetExtra } from '../openwebui/extra.ts';
import { decodeSharePayload, encodeSharePayload } from '../share/link.ts';
import { clonePresetFields } from '../presets/clone.ts';
import type { ImportedPreset } from '../openwebui/types.ts';

/*
 * Every place that handles a preset's fields, checked against the schema's list of fields: a
 * field added to PresetSchema must get a policy (PRESET_FIELDS), a value in the fixtures below
 * (their type asks for every field), and then passes through each place or fails here.
 */

const AVATAR = 'data:image/png;base64,iVBORw0KGgo=';

/** A preset with every field of the schema set to something other than its default. */
function fullPreset(): Required<PresetView> {
  return {
    schema: SCHEMA.preset,
    kind: KIND.preset,
    id: 'p1',
    slug: 'sql-tutor',
    name: 'SQL Tutor',
    baseModel: 'qwen2.5:7b',
    description: 'Explains SQL.',
    system: 'You are a patient SQL tutor.',
    params: { temperature: 0.3, stop: ['<|im_end|>'], top_k: 20 },
    customParams: { my_option: '42' },
    suggestions: { s1: { title: 'Joins', subtitle: 'LEFT vs INNER', prompt: 'Explain joins', order: 1 } },
    tags: { sql: true, db: true },
    hidden: true,
    vision: true,
    capabilities: { citations: true, usage: false },
    avatar: 'automerge:avatarblob',
    knowledge: { k1: { name: 'Postgres docs', type: 'collection', url: null, externalId: 'b6c2' } },
    toolIds: { web_scraper: true },
    filterIds: { f1: true, f2: true },
    actionIds: { a1: true },
    chatOff: { f2: true },
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_100_000,
    slugChanged: { from: 'sql', to: 'sql-tutor' },
    extra: encodePresetExtra({ element: { user_id: 'u1' }, meta: { color: 'blue' } }),
    disabled: true,
    fallbackModels: ['llama3.2:3b'],
  };
}

/** Another value for every field (what an imported file holds), identity aside. */
function otherPreset(): Required<PresetView> {
  return {
    ...fullPreset(),
    name: 'SQL Coach',
    baseModel: 'llama3.1:8b',
    description: 'Coaches SQL.',
    system: 'You are a strict SQL coach.',
    params: { temperature: 0.9, num_ctx: 4096 },
    customParams: { other_option: '"x"' },
    suggestions: { s9: { title: 'Indexes', subtitle: 'B-tree', prompt: 'Explain indexes', order: 1 } },
    tags: { coach: true },
    hidden: false,
    vision: false,
    capabilities: { citations: false },
    avatar: 'automerge:otherblob',
    knowledge: { k9: { name: 'MySQL docs', type: 'file', url: null, externalId: 'c7d3' } },
    toolIds: { calculator: true },
    filterIds: { f3: true },
    actionIds: {},
    chatOff: {},
    createdAt: 1_600_000_000_000,
    updatedAt: 1_600_000_100_000,
    extra: encodePresetExtra({ element: { user_id: 'u2' } }),
    disabled: false,
    fallbackModels: ['mistral:7b', 'phi3:mini'],
  };
}

/** A field's value to compare across places that re-key entries (suggestion and knowledge ids are made anew) or re-encode text. */
function comparable(key: PresetField, value: unknown): unknown {
  const plain = plainValue(value);
  if (key === 'suggestions' || key === 'knowledge') return Object.values(plain as Record<string, unknown>);
  if (key === 'extra' && typeof plain === 'string') return JSON.parse(plain) as unknown;
  return plain;
}

const fieldsWhere = <P extends keyof (typeof PRESET_FIELDS)[PresetField]>(policy: P, value: (typeof PRESET_FIELDS)[PresetField][P]): PresetField[] =>
  PRESET_FIELD_NAMES.filter((k) => PRESET_FIELDS[k][policy] === value);

/** The preset an element becomes on import, the way the import panel makes it. */
function imported(item: ImportedPreset): PresetView {
  return presetFromImport(item, { id: 'new', avatar: item.avatarDataUrl, now: 0 });
}

function onlyItem(text: string): ImportedPreset {
  const r = parseOpenWebUIImport(text);
  if (!r.ok) throw new Error(`import failed: ${r.error.code}`);
  expect(r.items).toHaveLength(1);
  return r.items[0]!;
}

describe('the preset schema is the one list of its fields', () => {
  it('has a policy for every field of the schema and for nothing else', () => {
    expect(Object.keys(PRESET_FIELDS).sort()).toEqual(Object.keys(PresetSchema.entries).sort());
    expect([...PRESET_FIELD_NAMES].sort()).toEqual(Object.keys(PresetSchema.entries).sort());
  });

  it('the fixtures set every field, and a stored one validates', () => {
    for (const p of [fullPreset(), otherPreset()]) {
      expect(Object.keys(p).sort()).toEqual([...PRESET_FIELD_NAMES].sort());
      expect(checkDoc(KIND.preset, A.from(storablePreset(p)))).toMatchObject({ status: 'ok' });
    }
  });

  it('Open WebUI export then import carries every field marked carried, and the picture', () => {
    const source = fullPreset();
    const item = onlyItem(JSON.stringify([presetToOpenWebUI(storablePreset(source), AVATAR)]));
    expect(item.avatarDataUrl).toBe(AVATAR);
    const back = imported(item);
    for (const key of fieldsWhere('openWebUI', 'carried')) {
      expect(comparable(key, back[key]), key).toEqual(comparable(key, source[key]));
    }
  });

  it('a share link carries every field Open WebUI JSON carries', () => {
    const source = fullPreset();
    const decoded = decodeSharePayload(encodeSharePayload(presetToOpenWebUI(storablePreset(source), AVATAR)));
    if (!decoded.ok) throw new Error(decoded.error.code);
    const back = imported(onlyItem(decoded.text));
    expect(back.avatar).toBe(AVATAR);
    for (const key of fieldsWhere('openWebUI', 'carried')) {
      expect(comparable(key, back[key]), key).toEqual(comparable(key, source[key]));
    }
  });

  it('import-replace writes every field of the file, keeping the identity and creation time of the preset', () => {
    const before = fullPreset();
    const fresh = { ...otherPreset(), id: 'ignored', slug: 'ignored', kind: KIND.preset };
    const doc = A.change(A.from(storablePreset(before)), (d) => replacePresetFields(d, fresh, 42));
    const after = plainValue(doc) as PresetView;
    for (const key of PRESET_FIELD_NAMES) {
      const merge = PRESET_FIELDS[key].merge;
      const expected = merge === 'keep' ? before[key] : merge === 'now' ? 42 : fresh[key];
      expect(after[key], key).toEqual(expected);
    }
    expect(checkDoc(KIND.preset, doc)).toMatchObject({ status: 'ok' });
  });

  it('clone copies every field marked copy, sets its own identity, name and times, and leaves out the rest', () => {
    const source = A.from(storablePreset(fullPreset()));
    const copy = clonePresetFields(source, 'p2', new Set(['sql-tutor']), 5000, '(Clone)');
    for (const key of PRESET_FIELD_NAMES) {
      const how = PRESET_FIELDS[key].clone;
      if (how === 'copy') expect(copy[key], key).toEqual(plainValue(source[key]));
      else if (how === 'drop') expect(copy[key], key).toBeUndefined();
    }
    expect(copy).toMatchObject({ id: 'p2', slug: 'sql-tutor-clone', name: 'SQL Tutor (Clone)', createdAt: 5000, updatedAt: 5000, schema: SCHEMA.preset, kind: KIND.preset });
    expect(checkDoc(KIND.preset, A.from(storablePreset(copy)))).toMatchObject({ status: 'ok' });
  });

  it('migration gives a pre-release preset holding only its identity every required field', () => {
    const old = A.from<Record<string, unknown>>({ id: 'p1', slug: 'sql-tutor', name: 'SQL Tutor' });
    const migrated = A.change(old, (d) => {
      migrate(KIND.preset, d);
    });
    expect(checkDoc(KIND.preset, migrated)).toMatchObject({ status: 'ok' });
  });
});

describe('import-replace merges with edits made meanwhile on another device', () => {
  /** Two replicas of one preset; `a`'s actor sorts below `b`'s, so where both write one value, b's write wins. */
  function twoDevices(p: PresetView): { a: A.Doc<PresetDoc>; b: A.Doc<PresetDoc> } {
    const base = A.from(storablePreset(p), { actor: '01'.repeat(16) });
    return { a: A.clone(base, { actor: 'aa'.repeat(16) }), b: A.clone(base, { actor: 'bb'.repeat(16) }) };
  }

  it('keeps typing, a tag, a parameter, a suggestion and a rename made on device A while device B replaces the preset from a file', () => {
    const p = fullPreset();
    const { a, b } = twoDevices(p);
    const edited = A.change(a, (d) => {
      A.splice(d, ['description'], 0, 0, 'Patiently ');
      d.tags.mine = true;
      d.params.seed = 7;
      d.suggestions.s2 = { title: new A.ImmutableString('Views'), subtitle: '', prompt: 'Explain views', order: 2 };
      d.name = new A.ImmutableString('SQL Teacher');
    });
    // the file: the same preset with one tag more and another system prompt (what an export edited elsewhere gives back)
    const fresh: PresetView = { ...p, tags: { ...p.tags, joins: true }, system: 'You are a patient SQL tutor. Use PostgreSQL.' };
    const replaced = A.change(b, (d) => replacePresetFields(d, fresh, 99));
    const merged = A.merge(A.clone(edited), replaced);

    expect(merged.description).toBe('Patiently Explains SQL.');
    expect(merged.system).toBe('You are a patient SQL tutor. Use PostgreSQL.');
    expect(Object.keys(merged.tags).sort()).toEqual(['db', 'joins', 'mine', 'sql']);
    expect(plainValue(merged.params)).toEqual({ ...p.params, seed: 7 });
    expect(Object.keys(merged.suggestions).sort()).toEqual(['s1', 's2']);
    // the file did not rename it: A's rename stands
    expect(plainValue(merged.name)).toBe('SQL Teacher');
    expect(checkDoc(KIND.preset, merged)).toMatchObject({ status: 'ok' });
  });

  it('a rename in the file and a rename on another device both stay, one shown and the other offered as a conflict', () => {
    const p = fullPreset();
    const { a, b } = twoDevices(p);
    const renamed = A.change(a, (d) => {
      d.name = new A.ImmutableString('SQL Teacher');
    });
    const replaced = A.change(b, (d) => replacePresetFields(d, { ...p, name: 'SQL Coach' }, 99));
    const merged = A.merge(A.clone(renamed), replaced);
    const values = Object.values(A.getConflicts(merged, 'name') ?? {}).map((x: unknown) => plainValue(x) as string);
    expect(values.sort()).toEqual(['SQL Coach', 'SQL Teacher']);
  });
});
