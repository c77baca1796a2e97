import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { headsOfChunks, receivedHeads } from './chunk-heads.ts';
import { relayChunkName } from '../../../shared/sync/chunk-key.ts';

type Doc = { items: string[]; text?: A.ImmutableString };

const sorted = (heads: string[]) => [...heads].sort();

describe('heads of stored chunks', () => {
  it('are the heads of a whole document, read from its header', () => {
    const doc = A.change(A.from<Doc>({ items: ['a'] }), (d) => void d.items.push('b'));
    expect(headsOfChunks([A.save(doc)])).toEqual(sorted(A.getHeads(doc)));
  });

  it('are the last changes of a document and the changes after it, compressed ones included', () => {
    const base = A.from<Doc>({ items: ['a'] });
    let doc = A.change(A.clone(base), (d) => void d.items.push('b'));
    const atMid = A.clone(doc);
    const mid = A.getHeads(doc);
    // a long value: Automerge stores this change compressed (chunk type 2)
    doc = A.change(doc, (d) => void (d.text = new A.ImmutableString('x'.repeat(4_000))));
    doc = A.change(doc, (d) => void d.items.push('c'));
    const chunks = [A.save(base), A.saveSince(doc, A.getHeads(base))];
    expect(headsOfChunks(chunks)).toEqual(sorted(A.getHeads(doc)));
    // the same in separate chunks, in any order
    expect(headsOfChunks([A.saveSince(doc, mid), A.save(base), A.saveSince(atMid, A.getHeads(base))])).toEqual(sorted(A.getHeads(doc)));
  });

  it('are both branches of concurrent changes', () => {
    const base = A.from<Doc>({ items: [] });
    const left = A.change(A.clone(base), (d) => void d.items.push('left'));
    const right = A.change(A.clone(base, { actor: 'abcd' }), (d) => void d.items.push('right'));
    const merged = A.merge(A.clone(left), right);
    const chunks = [A.save(base), A.saveSince(left, A.getHeads(base)), A.saveSince(right, A.getHeads(base))];
    expect(headsOfChunks(chunks)).toEqual(sorted(A.getHeads(merged)));
  });

  it('are unknown for bytes that are not whole chunks', () => {
    const saved = A.save(A.from<Doc>({ items: ['a'] }));
    expect(headsOfChunks([saved.subarray(0, saved.length - 3)])).toBeNull();
    expect(headsOfChunks([new TextEncoder().encode('not automerge')])).toBeNull();
  });

  it('count only the chunks the account\'s relay is known to have sent', () => {
    const base = A.from<Doc>({ items: ['a'] });
    const later = A.change(A.clone(base), (d) => void d.items.push('b'));
    const stored = [
      { name: relayChunkName('c1'), data: A.save(base) },
      { name: relayChunkName('c2'), data: A.saveSince(later, A.getHeads(base)) },
    ];
    expect(receivedHeads(stored, ['c1'])).toEqual(sorted(A.getHeads(base)));
    expect(receivedHeads(stored, ['c1', 'c2'])).toEqual(sorted(A.getHeads(later)));
    expect(receivedHeads(stored, ['other'])).toBeNull();
  });
});
