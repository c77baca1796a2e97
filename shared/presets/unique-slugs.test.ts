import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { slugRenames, withUniqueSlugs } from './unique-slugs.ts';
import { initialPreset, storablePreset, type PresetDoc } from '../schema/index.ts';

describe('model IDs made unique when devices meet', () => {
  it('the earliest preset keeps the ID, the others get the next free -2, -3 in (createdAt, id) order', () => {
    const r = slugRenames([
      { id: 'b', slug: 'helper', createdAt: 20 },
      { id: 'a', slug: 'helper', createdAt: 20 },
      { id: 'c', slug: 'helper', createdAt: 10 },
      { id: 'd', slug: 'helper-2', createdAt: 5 },
    ]);
    expect(r).toEqual([
      { id: 'a', from: 'helper', to: 'helper-3' },
      { id: 'b', from: 'helper', to: 'helper-4' },
    ]);
  });

  it('every device computes the same renames, whatever order it lists the presets in', () => {
    const list = [
      { id: 'x', slug: 'tutor-clone', createdAt: 7 },
      { id: 'y', slug: 'tutor-clone', createdAt: 7 },
      { id: 'z', slug: 'tutor', createdAt: 1 },
    ];
    expect(slugRenames([...list].reverse())).toEqual(slugRenames(list));
    expect(slugRenames(list)).toEqual([{ id: 'y', from: 'tutor-clone', to: 'tutor-clone-2' }]);
  });

  it('unique IDs need no rename', () => {
    expect(slugRenames([{ id: 'a', slug: 'a', createdAt: 1 }, { id: 'b', slug: 'b', createdAt: 1 }])).toEqual([]);
  });

  it('two devices writing the same rename concurrently converge on it', () => {
    const p = A.from(storablePreset(initialPreset({ id: 'y', slug: 'tutor-clone', name: 'T', baseModel: 'm' }, 7)) as PresetDoc & Record<string, unknown>);
    const [rename] = slugRenames([
      { id: 'x', slug: 'tutor-clone', createdAt: 7 },
      { id: 'y', slug: 'tutor-clone', createdAt: 7 },
    ]);
    const a = A.change(A.clone(p), (d) => {
      d.slug = rename!.to;
    });
    const b = A.change(A.clone(p), (d) => {
      d.slug = rename!.to;
    });
    expect(String(A.merge(A.clone(a), b).slug)).toBe('tutor-clone-2');
    expect(String(A.merge(A.clone(b), a).slug)).toBe('tutor-clone-2');
  });

  it('an export list never holds two presets with one ID', () => {
    const out = withUniqueSlugs([
      { id: 'a', slug: 's', createdAt: 1, name: 'A' },
      { id: 'b', slug: 's', createdAt: 2, name: 'B' },
    ]);
    expect(new Set(out.map((p) => p.slug)).size).toBe(2);
    expect(out[1]).toEqual({ id: 'b', slug: 's-2', createdAt: 2, name: 'B' });
  });
});
