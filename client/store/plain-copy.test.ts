import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { ImmutableString } from '@automerge/automerge';
import { Repo } from '@automerge/automerge-repo';
import { createRoot } from 'solid-js';
import { immutable, type StoredString } from '../../shared/schema/index.ts';
import { plainCopy } from './plain-copy.ts';
import { createDocStore } from './create-doc-store.ts';

describe('plainCopy', () => {
  it('turns ImmutableStrings into strings, keeps maps with a `val` key as maps, and copies the rest', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const doc = A.from({
      a: new ImmutableString('x'),
      nested: { list: [new ImmutableString('y'), 'z', 3], map: { val: 'not an ImmutableString' } },
      text: 'collaborative',
      bytes,
      n: null,
    });
    const copy = plainCopy(doc);
    expect(copy).toEqual({ a: 'x', nested: { list: ['y', 'z', 3], map: { val: 'not an ImmutableString' } }, text: 'collaborative', bytes, n: null });
    // a mutable copy: nothing shared with the frozen document
    expect(Object.isFrozen(copy.nested)).toBe(false);
    expect(copy.bytes).not.toBe(doc.bytes);
  });
});

describe('createDocStore', () => {
  type Doc = { entries: Record<string, { title: StoredString; n: number }>; name: string };

  it('gives the store plain strings, in its first snapshot and in the parts a change touches', async () => {
    const repo = new Repo({ network: [] });
    const handle = repo.create<Doc>({ entries: { a: { title: immutable('Hello'), n: 1 } }, name: 'x' });
    await createRoot(async (dispose) => {
      const store = createDocStore(handle);
      expect(store.doc.entries.a).toEqual({ title: 'Hello', n: 1 });
      store.change((d) => {
        d.entries.a!.title = immutable('Renamed');
        d.entries.b = { title: immutable('Second'), n: 2 };
      });
      // automerge-repo emits the change event synchronously; the store follows it
      expect(store.doc.entries.a!.title).toBe('Renamed');
      expect(store.doc.entries.b).toEqual({ title: 'Second', n: 2 });
      expect(A.isImmutableString(handle.doc().entries.b!.title)).toBe(true);
      dispose();
    });
    await repo.shutdown();
  });
});
