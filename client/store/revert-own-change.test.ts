import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { revertOwnChange, type OwnChange } from './revert-own-change.ts';
import { mapCarets } from './text-positions.ts';

type Doc = {
  name: string;
  system: string;
  tags: Record<string, true>;
  params: Record<string, number | string[]>;
  suggestions: Record<string, { title: string; order: number }>;
  updatedAt: number;
};

const options = { textFields: new Set(['system']), ignore: new Set(['updatedAt']) };

/** A local change on `doc`, named by its heads before and after. */
function own(doc: A.Doc<Doc>, fn: (d: Doc) => void): { doc: A.Doc<Doc>; change: OwnChange } {
  const before = A.getHeads(doc);
  const next = A.change(doc, fn);
  return { doc: next, change: { before, after: A.getHeads(next) } };
}

function undo(doc: A.Doc<Doc>, change: OwnChange): A.Doc<Doc> {
  const fn = revertOwnChange(doc, change, options);
  return fn ? A.change(doc, fn) : doc;
}

function twoDevices(initial: Partial<Doc> = {}): { a: A.Doc<Doc>; b: A.Doc<Doc> } {
  const base = A.from<Doc>({ name: 'N', system: 'Base.', tags: {}, params: {}, suggestions: {}, updatedAt: 0, ...initial }, { actor: 'aa' });
  return { a: base, b: A.clone(base, { actor: 'bb' }) };
}

describe('revertOwnChange', () => {
  it('undoing typed text removes only this device’s characters, keeping text another device added later', () => {
    let { a, b } = twoDevices();
    const typed = own(a, (d) => A.splice(d, ['system'], 5, 0, ' A-line.'));
    a = typed.doc;
    b = A.merge(b, a);
    b = A.change(b, (d) => A.splice(d, ['system'], d.system.length, 0, ' B wrote this later'));
    a = A.merge(a, b);
    a = undo(a, typed.change);
    b = A.merge(b, a);
    expect(a.system).toBe('Base. B wrote this later');
    expect(b.system).toBe('Base. B wrote this later');
  });

  it('undoing a deletion puts the removed text back where it was, around text added elsewhere since', () => {
    let { a, b } = twoDevices({ system: 'one two three' });
    const cut = own(a, (d) => A.splice(d, ['system'], 3, 4, ''));
    a = cut.doc;
    b = A.merge(b, a);
    b = A.change(b, (d) => A.splice(d, ['system'], 0, 0, '>> '));
    b = A.change(b, (d) => A.splice(d, ['system'], d.system.length, 0, '!'));
    a = undo(A.merge(a, b), cut.change);
    expect(a.system).toBe('>> one two three!');
  });

  it('undoing a replacement inside text restores the old words even when another device typed inside our insertion', () => {
    let { a, b } = twoDevices({ system: 'say hello now' });
    const replaced = own(a, (d) => A.splice(d, ['system'], 4, 5, 'bonjour'));
    a = replaced.doc;
    b = A.merge(b, a);
    b = A.change(b, (d) => A.splice(d, ['system'], 7, 0, '[B]')); // "say bon[B]jour now"
    a = undo(A.merge(a, b), replaced.change);
    expect(a.system).toBe('say [B]hello now');
  });

  it('undoing a tag added here keeps a tag another device added since', () => {
    let { a, b } = twoDevices();
    const added = own(a, (d) => {
      d.tags.x = true;
    });
    a = added.doc;
    b = A.change(A.merge(b, a), (d) => {
      d.tags.y = true;
    });
    a = undo(A.merge(a, b), added.change);
    expect(a.tags).toEqual({ y: true });
  });

  it('undoing a parameter change restores only that parameter, to its old value or to absent', () => {
    let { a, b } = twoDevices({ params: { temperature: 0.5 } });
    const set = own(a, (d) => {
      d.params.temperature = 0.9;
      d.params.stop = ['END'];
    });
    a = set.doc;
    b = A.change(A.merge(b, a), (d) => {
      d.params.top_k = 40;
    });
    a = undo(A.merge(a, b), set.change);
    expect(a.params).toEqual({ temperature: 0.5, top_k: 40 });
  });

  it('a key another device changed after us is left as they set it', () => {
    let { a, b } = twoDevices({ params: { temperature: 0.5 } });
    const set = own(a, (d) => {
      d.params.temperature = 0.9;
    });
    a = set.doc;
    b = A.change(A.merge(b, a), (d) => {
      d.params.temperature = 0.2;
    });
    a = undo(A.merge(a, b), set.change);
    expect(a.params).toEqual({ temperature: 0.2 });
  });

  it('a whole-value field goes back only while it still holds the value this device wrote', () => {
    let { a, b } = twoDevices({ suggestions: { s1: { title: 'Old', order: 1 } } });
    const renamed = own(a, (d) => {
      const s = d.suggestions.s1;
      if (s) s.title = 'Mine';
    });
    a = renamed.doc;
    expect(undo(A.clone(a), renamed.change).suggestions.s1?.title).toBe('Old');
    b = A.change(A.merge(b, a), (d) => {
      const s = d.suggestions.s1;
      if (s) s.title = 'Theirs';
      if (s) s.order = 2;
    });
    a = undo(A.merge(a, b), renamed.change);
    expect(a.suggestions.s1).toEqual({ title: 'Theirs', order: 2 });
  });

  it('bookkeeping fields are not undone', () => {
    const { a } = twoDevices();
    const touched = own(a, (d) => {
      d.updatedAt = 5;
    });
    expect(revertOwnChange(touched.doc, touched.change, options)).toBeNull();
  });
});

describe('mapCarets', () => {
  it('a caret keeps its place among the characters when another device inserts before and after it', () => {
    let { a, b } = twoDevices({ system: 'Start. Middle part. End.' });
    const from = A.getHeads(a);
    b = A.change(b, (d) => A.splice(d, ['system'], 20, 0, '[B]'));
    b = A.change(b, (d) => A.splice(d, ['system'], 0, 0, '>>'));
    a = A.merge(a, b);
    // caret after "Start." and a selection over "Middle"
    expect(mapCarets(a, ['system'], from, [6, 7, 13])).toEqual([8, 9, 15]);
    expect(a.system).toBe('>>Start. Middle part. [B]End.');
  });

  it('a caret whose character was deleted elsewhere goes where that character was', () => {
    let { a, b } = twoDevices({ system: 'abcdef' });
    const from = A.getHeads(a);
    b = A.change(b, (d) => A.splice(d, ['system'], 1, 3, ''));
    a = A.merge(a, b);
    expect(mapCarets(a, ['system'], from, [0, 3, 6])).toEqual([0, 1, 3]);
  });

  it('positions from a version the document does not have stay as they were, within the text', () => {
    const { a } = twoDevices({ system: 'abc' });
    const unknown = A.getHeads(A.change(A.from({ system: 'x' }), (d) => A.splice(d, ['system'], 0, 0, 'y')));
    expect(mapCarets(a, ['system'], unknown, [1, 9])).toEqual([1, 3]);
  });
});
