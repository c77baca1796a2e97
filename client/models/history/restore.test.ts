import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { initialPreset, storablePreset, storedString, immutable, type PresetDoc } from '../../../shared/schema/index.ts';
import { restoreVersion } from './restore.ts';

function preset() {
  const view = { ...initialPreset({ id: 'p1', slug: 'tutor', name: 'Tutor', baseModel: 'llama3.2' }, 1), system: 'Be kind.\nAnswer briefly.', tags: { a: true as const } };
  return A.from<PresetDoc>(storablePreset(view));
}

describe('restoreVersion', () => {
  it('writes an old system prompt back as a new change, keeping every change before it', () => {
    let doc = preset();
    const old = A.getHeads(doc);
    doc = A.change(doc, (d) => A.splice(d, ['system'], 9, 16, 'Answer in French.'));
    const changesBefore = A.getAllChanges(doc).length;
    let changed: string[] = [];
    doc = A.change(doc, (d) => {
      changed = restoreVersion(d, doc, A.view(doc, old), 'system');
    });
    expect(changed).toEqual(['system']);
    expect(doc.system).toBe('Be kind.\nAnswer briefly.');
    expect(A.getAllChanges(doc).length).toBe(changesBefore + 1);
  });

  it('restores every field a person edits (maps entry by entry) but never the identity or bookkeeping', () => {
    let doc = preset();
    const old = A.getHeads(doc);
    doc = A.change(doc, (d) => {
      d.name = immutable('Renamed');
      d.tags.b = true;
      delete d.tags.a;
      d.params.temperature = 0.2;
      d.fallbackModels = [immutable('qwen3:4b')];
      d.updatedAt = 99;
    });
    doc = A.change(doc, (d) => {
      restoreVersion(d, doc, A.view(doc, old), 'all');
    });
    expect(storedString(doc.name)).toBe('Tutor');
    expect(doc.tags).toEqual({ a: true });
    expect(doc.params).toEqual({});
    expect(doc.fallbackModels).toBeUndefined();
    expect(doc.updatedAt).toBe(99);
    expect(doc.slug).toBe('tutor');
  });

  it('changes nothing when the version is the one shown now', () => {
    let doc = preset();
    const heads = A.getHeads(doc);
    doc = A.change(doc, (d) => {
      expect(restoreVersion(d, doc, A.view(doc, heads), 'all')).toEqual([]);
    });
    expect(A.getHeads(doc)).toEqual(heads);
  });

  it('keeps the other fields when only the system prompt is restored', () => {
    let doc = preset();
    const old = A.getHeads(doc);
    doc = A.change(doc, (d) => {
      d.system = 'New.';
      d.name = immutable('Renamed');
    });
    doc = A.change(doc, (d) => {
      restoreVersion(d, doc, A.view(doc, old), 'system');
    });
    expect(doc.system).toBe('Be kind.\nAnswer briefly.');
    expect(storedString(doc.name)).toBe('Renamed');
  });
});
