import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { updateText } from '@automerge/automerge-repo';
import { checkDoc, immutable, initialPreset, storableField, storablePreset, storedString, type PresetDoc } from './index.ts';

/*
 * Short fields (a preset's name, a suggestion's title) are one value each: two devices renaming
 * at once end with one of the two names on both, and the other kept as an Automerge conflict.
 * Long texts (system prompt) still merge by character.
 */

type Doc = PresetDoc & Record<string, unknown>;

function twoDevices(): [A.Doc<Doc>, A.Doc<Doc>] {
  const p = initialPreset({ id: 'p1', slug: 'helper', name: 'Helper', baseModel: 'llama3.2' }, 1000);
  p.suggestions = { s1: { title: 'Greet', subtitle: '', prompt: 'Hello', order: 1 } };
  p.system = 'Be kind.';
  const a = A.from(storablePreset(p) as Doc);
  return [a, A.clone(a)];
}

const conflictValues = (obj: unknown, prop: string) =>
  Object.values(A.getConflicts(obj as Record<string, unknown>, prop) ?? {}).map((v) => storedString(v as string)).sort();

describe('short fields of a preset', () => {
  it('concurrent renames end with one whole name on both devices, the other kept as a conflict', () => {
    let [a, b] = twoDevices();
    a = A.change(a, (d) => {
      d.name = immutable('Alpha Helper');
    });
    b = A.change(b, (d) => {
      d.name = immutable('Beta Assistant');
    });
    const onA = A.merge(A.clone(a), b);
    const onB = A.merge(A.clone(b), a);
    const name = storedString(onA.name);
    expect(['Alpha Helper', 'Beta Assistant']).toContain(name);
    expect(storedString(onB.name)).toBe(name);
    expect(conflictValues(onA, 'name')).toEqual(['Alpha Helper', 'Beta Assistant']);
    // picking the other value is a new write that resolves the conflict everywhere
    const other = name === 'Alpha Helper' ? 'Beta Assistant' : 'Alpha Helper';
    const picked = A.change(A.clone(onA), (d) => {
      d.name = immutable(other);
    });
    const bAfter = A.merge(A.clone(onB), picked);
    expect(storedString(bAfter.name)).toBe(other);
    expect(A.getConflicts(bAfter, 'name')).toBeUndefined();
  });

  it('concurrent retitles of one suggestion never mix the two titles', () => {
    let [a, b] = twoDevices();
    a = A.change(a, (d) => {
      d.suggestions.s1!.title = immutable('Say hello');
    });
    b = A.change(b, (d) => {
      d.suggestions.s1!.title = immutable('Welcome');
    });
    const m = A.merge(A.clone(a), b);
    expect(['Say hello', 'Welcome']).toContain(storedString(m.suggestions.s1!.title));
    expect(conflictValues(m.suggestions.s1, 'title')).toEqual(['Say hello', 'Welcome']);
  });

  it('a preset whose name is still text (written before schema 2) is renamed as one value', () => {
    const old = A.from({ ...initialPreset({ id: 'p', slug: 'h', name: 'Helper', baseModel: 'm' }, 1) } as Doc);
    let a = A.clone(old);
    let b = A.clone(old);
    a = A.change(a, (d) => {
      d.name = immutable('Alpha Helper');
    });
    b = A.change(b, (d) => {
      d.name = immutable('Beta Assistant');
    });
    expect(['Alpha Helper', 'Beta Assistant']).toContain(storedString(A.merge(a, b).name));
    expect(checkDoc('atelier/preset', old).status).toBe('ok');
    expect(checkDoc('atelier/preset', a).status).toBe('ok');
  });

  it('long texts still merge by character', () => {
    let [a, b] = twoDevices();
    a = A.change(a, (d) => updateText(d, ['system'], 'Be kind. Be brief.'));
    b = A.change(b, (d) => updateText(d, ['system'], 'Always: Be kind.'));
    expect(String(A.merge(a, b).system)).toBe('Always: Be kind. Be brief.');
  });

  it('an undo writes the name and suggestion titles back as single values', () => {
    expect(storableField('name', 'Helper')).toBeInstanceOf(A.ImmutableString);
    const s = storableField('suggestions', { s1: { title: 'Greet', subtitle: '', prompt: 'Hi', order: 1 } }) as PresetDoc['suggestions'];
    expect(s.s1!.title).toBeInstanceOf(A.ImmutableString);
    expect(storableField('system', 'x')).toBe('x');
  });
});
