import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { patchRoots, valueAt } from './patch-roots.ts';

type Doc = {
  title: string;
  models: string[];
  currentId: string | null;
  messages: Record<string, { content: string; childrenIds: string[] }>;
};

function changed(before: A.Doc<Doc>, fn: (d: Doc) => void): { after: A.Doc<Doc>; patches: A.Patch[] } {
  let patches: A.Patch[] = [];
  const after = A.change(A.clone(before), { patchCallback: (p) => (patches = p) }, fn);
  return { after, patches };
}

const base = A.from<Doc>({ title: 't', models: ['a'], currentId: 'm1', messages: { m1: { content: 'hi', childrenIds: [] } } });

describe('patchRoots', () => {
  it('a splice into one message touches that message only', () => {
    const { after, patches } = changed(base, (d) => A.splice(d, ['messages', 'm1', 'content'], 2, 0, ' there'));
    expect(patchRoots(patches, after)).toEqual([['messages', 'm1']]);
    expect(valueAt(after, ['messages', 'm1'])).toEqual({ content: 'hi there', childrenIds: [] });
  });

  it('a new message and the selection: the message and the top-level field', () => {
    const { after, patches } = changed(base, (d) => {
      d.messages.m2 = { content: 'x', childrenIds: [] };
      d.messages.m1!.childrenIds.push('m2');
      d.currentId = 'm2';
    });
    const roots = patchRoots(patches, after).map((r) => r.join('/')).sort();
    expect(roots).toEqual(['currentId', 'messages/m1', 'messages/m2']);
  });

  it('arrays are replaced whole; a deleted entry reads as undefined', () => {
    const { after, patches } = changed(base, (d) => {
      d.models.push('b');
      delete d.messages.m1;
    });
    const roots = patchRoots(patches, after).map((r) => r.join('/')).sort();
    expect(roots).toEqual(['messages/m1', 'models']);
    expect(valueAt(after, ['messages', 'm1'])).toBeUndefined();
    expect(valueAt(after, ['models'])).toEqual(['a', 'b']);
  });

  it('a whole map replaced makes its entries redundant', () => {
    const { after, patches } = changed(base, (d) => {
      d.messages = { m9: { content: 'new', childrenIds: [] } };
    });
    expect(patchRoots(patches, after)).toEqual([['messages']]);
  });
});
