import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { initialConversation, type ChatMessage, type PlainMessage, type ConversationDoc } from '../schema/conversation.ts';
import { storedOrNull, storedString } from '../schema/stored-string.ts';
import { addMessage, branchPath, contextFor, deepestLeaf, siblings } from './tree.ts';
import { deriveTitle } from './title.ts';

let clock = 0;
function msg(id: string, parentId: string | null, role: PlainMessage['role'], extra: Partial<PlainMessage> = {}): PlainMessage {
  return {
    id,
    parentId,
    childrenIds: [],
    role,
    content: `${id} text`,
    model: role === 'assistant' ? 'm:a' : null,
    thinking: '',
    images: [],
    timestamp: ++clock,
    status: 'done',
    error: null,
    stats: {},
    ...extra,
  };
}

/*
 * u1 ─┬─ a1 (m:a) ── u2 ─┬─ a2 (m:a)
 *     │                  └─ a2b (m:b)
 *     └─ b1 (m:b)
 *  u1 edited: u1e ── e1 (m:a)
 */
function build(): ConversationDoc {
  const d = initialConversation('c1', '', ['m:a', 'm:b'], 0);
  addMessage(d, msg('u1', null, 'user'));
  addMessage(d, msg('a1', 'u1', 'assistant'));
  addMessage(d, msg('b1', 'u1', 'assistant', { model: 'm:b' }));
  addMessage(d, msg('u2', 'a1', 'user'));
  addMessage(d, msg('a2', 'u2', 'assistant'));
  addMessage(d, msg('a2b', 'u2', 'assistant', { model: 'm:b' }));
  addMessage(d, msg('u1e', null, 'user'));
  addMessage(d, msg('e1', 'u1e', 'assistant'));
  return d;
}

const ids = (list: ChatMessage[]) => list.map((m) => storedString(m.id));

describe('addMessage', () => {
  it('stores, links to the parent and selects', () => {
    const d = build();
    expect(d.messages.u1!.childrenIds.map(storedString)).toEqual(['a1', 'b1']);
    expect(d.messages.u2!.childrenIds.map(storedString)).toEqual(['a2', 'a2b']);
    expect(storedOrNull(d.currentId)).toBe('e1');
  });

  it('works inside an Automerge change, and concurrent additions merge', () => {
    type Rec = ConversationDoc & Record<string, unknown>;
    let doc = A.from(initialConversation('c', '', ['m:a'], 0) as Rec);
    doc = A.change(doc, (d) => addMessage(d, msg('u1', null, 'user')));
    let left = A.clone(doc);
    let right = A.clone(doc);
    left = A.change(left, (d) => addMessage(d, msg('x', 'u1', 'assistant')));
    right = A.change(right, (d) => addMessage(d, msg('y', 'u1', 'assistant', { model: 'm:b' })));
    const merged = A.merge(left, right);
    expect(merged.messages.u1!.childrenIds.map(storedString).sort()).toEqual(['x', 'y']);
    expect(Object.keys(merged.messages).sort()).toEqual(['u1', 'x', 'y']);
  });
});

describe('branchPath', () => {
  it('goes from the root to the leaf', () => {
    const d = build();
    expect(ids(branchPath(d.messages, 'a2b'))).toEqual(['u1', 'a1', 'u2', 'a2b']);
    expect(ids(branchPath(d.messages, 'u1'))).toEqual(['u1']);
    expect(branchPath(d.messages, 'nope')).toEqual([]);
    expect(branchPath(d.messages, null)).toEqual([]);
  });

  it('stops at a missing parent and never loops', () => {
    const d = build();
    d.messages.a1!.parentId = 'not-yet-synced';
    expect(ids(branchPath(d.messages, 'a2'))).toEqual(['a1', 'u2', 'a2']);
    d.messages.u1!.parentId = 'a2';
    d.messages.a1!.parentId = 'u1';
    // a cycle (never written by addMessage, but a broken sync could) ends the walk
    expect(ids(branchPath(d.messages, 'a2'))).toEqual(['u1', 'a1', 'u2', 'a2']);
  });
});

describe('siblings', () => {
  it('lists the alternatives and the position', () => {
    const d = build();
    expect(siblings(d.messages, 'b1')).toEqual({ ids: ['a1', 'b1'], index: 1 });
    expect(siblings(d.messages, 'a2')).toEqual({ ids: ['a2', 'a2b'], index: 0 });
    expect(siblings(d.messages, 'u1e')).toEqual({ ids: ['u1', 'u1e'], index: 1 });
    expect(siblings(d.messages, 'nope')).toEqual({ ids: [], index: -1 });
  });

  it('ignores duplicate or unknown children', () => {
    const d = build();
    d.messages.u1!.childrenIds = ['a1', 'ghost', 'b1', 'a1'];
    expect(siblings(d.messages, 'b1')).toEqual({ ids: ['a1', 'b1'], index: 1 });
  });
});

describe('deepestLeaf', () => {
  it('follows the last child', () => {
    const d = build();
    expect(deepestLeaf(d.messages, 'u1')).toBe('b1');
    expect(deepestLeaf(d.messages, 'u2')).toBe('a2b');
    expect(deepestLeaf(d.messages, 'a1')).toBe('a2b');
    expect(deepestLeaf(d.messages, 'e1')).toBe('e1');
    expect(deepestLeaf(d.messages, 'nope')).toBe('nope');
  });
});

describe('contextFor', () => {
  it('selected: the visible branch', () => {
    const d = build();
    addMessage(d, msg('u3', 'a2', 'user'));
    expect(ids(contextFor(d.messages, 'u3', 'selected'))).toEqual(['u1', 'a1', 'u2', 'a2', 'u3']);
  });

  it("own thread: each model sees its own answers where it gave one", () => {
    const d = build();
    addMessage(d, msg('u3', 'a2', 'user'));
    expect(ids(contextFor(d.messages, 'u3', { ownThreadModel: 'm:b' }))).toEqual(['u1', 'b1', 'u2', 'a2b', 'u3']);
    expect(ids(contextFor(d.messages, 'u3', { ownThreadModel: 'm:a' }))).toEqual(['u1', 'a1', 'u2', 'a2', 'u3']);
    // a model that never answered sees the selected answers
    expect(ids(contextFor(d.messages, 'u3', { ownThreadModel: 'm:c' }))).toEqual(['u1', 'a1', 'u2', 'a2', 'u3']);
  });

  it('own thread: the latest usable answer of the model; failed and streaming ones are left out', () => {
    const d = build();
    addMessage(d, msg('b1r', 'u1', 'assistant', { model: 'm:b' }));
    addMessage(d, msg('b1x', 'u1', 'assistant', { model: 'm:b', status: 'error' }));
    addMessage(d, msg('u3', 'a2', 'user'));
    expect(ids(contextFor(d.messages, 'u3', { ownThreadModel: 'm:b' }))).toEqual(['u1', 'b1r', 'u2', 'a2b', 'u3']);

    d.messages.a2!.status = 'error';
    expect(ids(contextFor(d.messages, 'u3', 'selected'))).toEqual(['u1', 'a1', 'u2', 'u3']);
    d.messages.a2!.status = 'streaming';
    expect(ids(contextFor(d.messages, 'a2', 'selected'))).toEqual(['u1', 'a1', 'u2']);
  });
});

describe('deriveTitle', () => {
  it('takes the first non-blank line, trimmed', () => {
    expect(deriveTitle('\n\n  Explain LEFT JOIN  \nwith an example')).toBe('Explain LEFT JOIN');
    expect(deriveTitle('a\tb   c')).toBe('a b c');
    expect(deriveTitle('   ')).toBe('');
  });

  it('keeps 60 characters', () => {
    const exact = 'x'.repeat(60);
    expect(deriveTitle(exact)).toBe(exact);
  });

  it('cuts longer lines at a word boundary with …', () => {
    const t = deriveTitle('Explain the difference between a LEFT JOIN and an INNER JOIN in PostgreSQL with examples');
    expect(t).toBe('Explain the difference between a LEFT JOIN and an INNER…');
    expect(Array.from(t).length).toBeLessThanOrEqual(60);
  });

  it('cuts a single long word and counts emoji as one character', () => {
    const t = deriveTitle('🚀'.repeat(70));
    expect(t).toBe('🚀'.repeat(59) + '…');
    expect(deriveTitle('y'.repeat(80))).toBe('y'.repeat(59) + '…');
  });
});
