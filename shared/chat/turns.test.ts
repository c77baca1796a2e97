import { storedOrNull, storedString } from '../schema/stored-string.ts';
import { describe, expect, it } from 'vitest';
import { initialConversation, type ConversationDoc } from '../schema/conversation.ts';
import { addMessage } from './tree.ts';
import { answerColumns, displayTurns, isMultiModelTurn } from './turns.ts';
import { addEditedTurn, addRegeneration, addTurn, inOtherColumn, selectBranch } from './branch.ts';
import { msg } from './fixtures.test-helpers.ts';

/*
 * u1 (asked m:a and m:b) ─┬─ a1 (m:a) ── u2 (asked m:a) ── a2
 *                         ├─ b1 (m:b)
 *                         └─ a1r (m:a, regenerated)
 */
function build(): ConversationDoc {
  const d = initialConversation('c', '', ['m:a', 'm:b'], 0);
  addTurn(d, msg('u1', null, 'user', { models: ['m:a', 'm:b'] }), [msg('a1', 'u1', 'assistant'), msg('b1', 'u1', 'assistant', { model: 'm:b' })]);
  addTurn(d, msg('u2', 'a1', 'user', { models: ['m:a'] }), [msg('a2', 'u2', 'assistant')]);
  return d;
}

describe('addTurn', () => {
  it('adds the user message and one answer per model, and selects the first answer', () => {
    const d = build();
    expect(d.messages.u1!.childrenIds.map(storedString)).toEqual(['a1', 'b1']);
    expect(storedOrNull(d.currentId)).toBe('a2');
    const e = initialConversation('e', '', [], 0);
    addTurn(e, msg('x', null, 'user'), []);
    expect(storedOrNull(e.currentId)).toBe('x');
  });
});

describe('displayTurns', () => {
  it('groups the answers of a turn sent to several models, and shows single answers alone', () => {
    const d = build();
    expect(displayTurns(d.messages, storedOrNull(d.currentId))).toEqual([
      { kind: 'user', key: 'u1', id: 'u1' },
      { kind: 'multi', key: 'multi:u1', parentId: 'u1', selectedId: 'a1', models: ['m:a', 'm:b'] },
      { kind: 'user', key: 'u2', id: 'u2' },
      { kind: 'answer', key: 'a2', id: 'a2' },
    ]);
    expect(isMultiModelTurn(d.messages, 'u1')).toBe(true);
    expect(isMultiModelTurn(d.messages, 'u2')).toBe(false);
    expect(isMultiModelTurn(d.messages, null)).toBe(false);
  });

  it('is empty for an empty conversation and skips system messages', () => {
    expect(displayTurns({}, null)).toEqual([]);
    const d = initialConversation('c', '', [], 0);
    addMessage(d, msg('s', null, 'system'));
    addMessage(d, msg('u', 's', 'user'));
    expect(displayTurns(d.messages, 'u')).toEqual([{ kind: 'user', key: 'u', id: 'u' }]);
  });
});

describe('answerColumns', () => {
  it('one column per model asked, the selected one marked', () => {
    const d = build();
    expect(answerColumns(d.messages, 'u1', 'a1')).toEqual([
      { model: 'm:a', ids: ['a1'], shownId: 'a1', index: 0, selected: true },
      { model: 'm:b', ids: ['b1'], shownId: 'b1', index: 0, selected: false },
    ]);
  });

  it('a regeneration joins its model column; other columns show the remembered or latest answer', () => {
    const d = build();
    selectBranch(d, 'b1');
    addRegeneration(d, msg('b1r', 'u1', 'assistant', { model: 'm:b' }));
    expect(storedOrNull(d.currentId)).toBe('b1r');
    const cols = answerColumns(d.messages, 'u1', 'b1r');
    expect(cols[0]).toEqual({ model: 'm:a', ids: ['a1'], shownId: 'a1', index: 0, selected: false });
    expect(cols[1]).toEqual({ model: 'm:b', ids: ['b1', 'b1r'], shownId: 'b1r', index: 1, selected: true });
    const other = answerColumns(d.messages, 'u1', 'a1', { 'm:b': 'b1' });
    expect(other[1]).toMatchObject({ shownId: 'b1', index: 0, selected: false });
    expect(answerColumns(d.messages, 'u1', 'a1', { 'm:b': 'gone' })[1]).toMatchObject({ shownId: 'b1r' });
  });

  it('adds a column for a model that answered without being asked, and nothing for an unknown parent', () => {
    const d = build();
    addMessage(d, msg('c1', 'u1', 'assistant', { model: 'm:c' }));
    expect(answerColumns(d.messages, 'u1', 'a1').map((c) => c.model)).toEqual(['m:a', 'm:b', 'm:c']);
    expect(answerColumns(d.messages, 'nope', 'a1')).toEqual([]);
  });
});

describe('redoing another model\'s answer', () => {
  it('a regeneration in a column the conversation does not continue from keeps the branch and its later turns', () => {
    const d = build();
    const before = storedOrNull(d.currentId);
    expect(inOtherColumn(d.messages, storedOrNull(d.currentId), 'u1', 'm:b')).toBe(true);
    expect(inOtherColumn(d.messages, storedOrNull(d.currentId), 'u1', 'm:a')).toBe(false);
    addRegeneration(d, msg('b1r', 'u1', 'assistant', { model: 'm:b' }));
    expect(storedOrNull(d.currentId)).toBe(before);
    expect(d.messages.u1!.childrenIds.map(storedString)).toContain('b1r');
    expect(answerColumns(d.messages, 'u1', 'a1')[1]).toMatchObject({ ids: ['b1', 'b1r'], shownId: 'b1r' });
  });
});

describe('selectBranch', () => {
  it('moves the selection to the deepest leaf below the chosen message', () => {
    const d = build();
    selectBranch(d, 'b1');
    expect(storedOrNull(d.currentId)).toBe('b1');
    selectBranch(d, 'a1');
    expect(storedOrNull(d.currentId)).toBe('a2');
    selectBranch(d, 'ghost');
    expect(storedOrNull(d.currentId)).toBe('a2');
  });
});

describe('addEditedTurn', () => {
  it('starts a new branch beside the edited message and keeps the old one', () => {
    const d = build();
    addEditedTurn(d, 'u2', msg('u2e', 'ignored', 'user', { content: 'better question', models: ['m:a'] }), [msg('a2e', 'u2e', 'assistant')]);
    expect(storedOrNull(d.messages.u2e!.parentId)).toBe('a1');
    expect(d.messages.a1!.childrenIds.map(storedString)).toEqual(['u2', 'u2e']);
    expect(storedOrNull(d.currentId)).toBe('a2e');
    expect(displayTurns(d.messages, storedOrNull(d.currentId)).map((t) => t.key)).toEqual(['u1', 'multi:u1', 'u2e', 'a2e']);
    selectBranch(d, 'u2');
    expect(storedOrNull(d.currentId)).toBe('a2');
  });

  it('edits a first message into a second root', () => {
    const d = build();
    addEditedTurn(d, 'u1', msg('u1e', null, 'user', { models: ['m:a'] }), [msg('x', 'u1e', 'assistant')]);
    expect(d.messages.u1e!.parentId).toBeNull();
    expect(storedOrNull(d.currentId)).toBe('x');
    addEditedTurn(d, 'ghost', msg('n', null, 'user'), []);
    expect(d.messages.n).toBeUndefined();
  });
});
