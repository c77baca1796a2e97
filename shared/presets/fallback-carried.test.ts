import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { initialPreset, storablePreset, storedString, type PresetDoc } from '../schema/index.ts';
import { checkDoc } from '../schema/validate.ts';
import { parseOpenWebUIImport, presetFromImport, presetToOpenWebUI } from '../openwebui/codec.ts';
import { decodeSharePayload, encodeSharePayload } from '../share/link.ts';
import { clonePresetFields } from './clone.ts';

/** A preset with fallbacks, as its document holds it (the list of single values). */
function stored(): PresetDoc {
  const view = { ...initialPreset({ id: 'p1', slug: 'writer', name: 'Writer', baseModel: 'mistral:7b' }, 1000), fallbackModels: ['qwen3:4b', 'llama3.2'] };
  return A.from<PresetDoc>(storablePreset(view));
}

const plain = (list: PresetDoc['fallbackModels']) => list?.map((m) => storedString(m));

describe('fallback base models travel with the preset', () => {
  it('are a valid field of the preset document', () => {
    expect(checkDoc('atelier/preset', stored()).status).toBe('ok');
    expect(checkDoc('atelier/preset', { ...stored(), fallbackModels: 'qwen3:4b' }).status).toBe('invalid');
  });

  it('go through Open WebUI export and import, in order, under Atelier’s own meta key (nothing noted as dropped)', () => {
    const el = presetToOpenWebUI({ ...stored(), extra: null }, null);
    expect(el.meta).toMatchObject({ atelier_fallback_models: ['qwen3:4b', 'llama3.2'] });
    const r = parseOpenWebUIImport(JSON.stringify([el]));
    if (!r.ok) throw new Error('import failed');
    const item = r.items[0]!;
    expect(item.fallbackModels).toEqual(['qwen3:4b', 'llama3.2']);
    expect(item.notes).toEqual([]);
    expect(item.extra?.meta?.atelier_fallback_models).toBeUndefined();
    expect(presetFromImport(item, { id: 'p2', avatar: null, now: 0 }).fallbackModels).toEqual(['qwen3:4b', 'llama3.2']);
  });

  it('go through a share link', () => {
    const link = encodeSharePayload(presetToOpenWebUI({ ...stored(), extra: null }, null));
    const decoded = decodeSharePayload(link);
    if (!decoded.ok) throw new Error('decode failed');
    const r = parseOpenWebUIImport(decoded.text);
    expect(r.ok && r.items[0]?.fallbackModels).toEqual(['qwen3:4b', 'llama3.2']);
  });

  it('are copied by a clone (and the copy shares nothing with the source)', () => {
    const src = stored();
    const clone = clonePresetFields(src, 'p3', new Set(['writer']), 2000, '(Clone)');
    expect(clone.fallbackModels).toEqual(plain(src.fallbackModels));
    const doc = A.from<PresetDoc>(storablePreset(clone));
    expect(plain(doc.fallbackModels)).toEqual(['qwen3:4b', 'llama3.2']);
  });

  it('a malformed list in a file is noted and ignored, the rest of the preset imported', () => {
    const el = presetToOpenWebUI({ ...stored(), extra: null }, null);
    const r = parseOpenWebUIImport(JSON.stringify([{ ...el, meta: { ...el.meta, atelier_fallback_models: 'qwen3:4b' } }]));
    if (!r.ok) throw new Error('import failed');
    expect(r.items[0]?.fallbackModels).toBeUndefined();
    expect(r.items[0]?.notes).toEqual([{ code: 'field-ignored', field: 'meta.atelier_fallback_models' }]);
  });
});
