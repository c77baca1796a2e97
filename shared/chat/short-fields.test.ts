import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import {
  checkDoc,
  immutable,
  initialConversation,
  migrate,
  plainValue,
  storedOrNull,
  storedString,
  KIND,
  SCHEMA,
  storableMessage,
  type ChatMessage,
  type ConversationDoc,
} from '../schema/index.ts';
import { addRegeneration, addTurn, selectBranch } from './branch.ts';
import { answerPlaceholder, finishAnswer, markInterrupted, restartAnswer, userMessage, writeAnswerText } from './messages.ts';
import { branchPath, siblings, usableStandIn } from './tree.ts';
import { answerColumns, displayTurns } from './turns.ts';
import { contextForAnswer } from './context.ts';
import { addMerged, mergeable } from './merge.ts';
import { conversationToMarkdown, conversationToOpenWebUI } from './export.ts';
import { answerState } from './liveness.ts';

/*
 * Conversation schema 3: the short fields of a message (id, parentId, childrenIds and models
 * entries, role, status, model, writer) and the conversation's currentId and models entries are
 * written as one ImmutableString each, not as collaborative text (one operation per character).
 * Documents written before keep plain strings: every reader takes both, in one document.
 */

type Doc = A.Doc<ConversationDoc>;

const fromPlain = (d: ConversationDoc): Doc => A.from(d as unknown as Record<string, unknown>) as Doc;
const opsOf = (doc: Doc) => A.getAllChanges(doc).reduce((n, c) => n + A.decodeChange(c).ops.length, 0);

/** One turn as the app writes it: the user message, the placeholder, two checkpoints, the end. */
function turn(doc: Doc, n: number, model: string, parentId: string | null): { doc: Doc; userId: string; answerId: string } {
  const userId = `user-${n}-0123456789abcdef`;
  const answerId = `answer-${n}-0123456789abcdef`;
  const t = 1_700_000_000_000 + n * 60_000;
  doc = A.change(doc, (d) =>
    addTurn(d, userMessage({ id: userId, parentId, content: `Question ${n}`, models: [model], now: t }), [
      answerPlaceholder({ id: answerId, parentId: userId, model, writer: 'tab-0123456789', now: t }),
    ]),
  );
  for (const text of [`Answer ${n}, first part.`, `Answer ${n}, first part. And the rest of it.`]) {
    doc = A.change(doc, (d) => writeAnswerText(d.messages[answerId]!, { content: text }));
  }
  doc = A.change(doc, (d) => finishAnswer(d.messages[answerId], { status: 'done', stats: { eval_count: 42, eval_duration: 1e9 } }, t + 5_000));
  return { doc, userId, answerId };
}

const SHORT = ['id', 'parentId', 'role', 'status', 'model', 'writer'] as const;

/** The short fields of every message, and the conversation's, that hold a plain string (text). */
function textFields(doc: Doc): string[] {
  const out: string[] = [];
  const check = (path: string, v: unknown) => {
    if (typeof v === 'string') out.push(path);
  };
  for (const [id, m] of Object.entries(doc.messages)) {
    for (const k of SHORT) check(`${id}.${k}`, m[k]);
    m.childrenIds.forEach((c, i) => check(`${id}.childrenIds[${i}]`, c));
    (m.models ?? []).forEach((x, i) => check(`${id}.models[${i}]`, x));
  }
  check('currentId', doc.currentId);
  doc.models.forEach((x, i) => check(`models[${i}]`, x));
  return out;
}

describe('conversation schema 3: short fields are one value each', () => {
  it('a conversation written by the app’s writers holds at most ~25 operations per message, every short field an ImmutableString', () => {
    let doc = fromPlain(initialConversation('c1', 'Long talk', ['ollama:llama3.2'], 1_700_000_000_000));
    let parentId: string | null = null;
    let lastAnswer = '';
    for (let n = 0; n < 20; n++) {
      const r = turn(doc, n, 'ollama:llama3.2', parentId);
      doc = r.doc;
      parentId = r.answerId;
      lastAnswer = r.answerId;
    }
    // regenerate the last answer (the old one interrupted first), retry it, switch branches back
    const lastUser = storedOrNull(doc.messages[lastAnswer]!.parentId)!;
    const again = 'answer-again-0123456789abcdef';
    doc = A.change(doc, (d) => {
      markInterrupted(d.messages[lastAnswer], 1);
      addRegeneration(d, answerPlaceholder({ id: again, parentId: lastUser, model: 'ollama:qwen3', writer: 'tab-0123456789', now: 2 }));
    });
    doc = A.change(doc, (d) => restartAnswer(d.messages[again], { writer: 'tab-abcdefghij', now: 3, keepText: false }));
    doc = A.change(doc, (d) => finishAnswer(d.messages[again], { status: 'error', error: 'boom' }, 4));
    doc = A.change(doc, (d) => selectBranch(d, lastAnswer));

    const messages = Object.keys(doc.messages).length;
    expect(messages).toBe(41);
    expect(opsOf(doc) / messages).toBeLessThanOrEqual(25);
    expect(textFields(doc)).toEqual([]);
    expect(storedOrNull(doc.currentId)).toBe(lastAnswer);
    expect(checkDoc(KIND.conversation, doc).status).toBe('ok');
    // the UI's plain copy reads them as the strings they hold
    expect(plainValue(doc.messages[again]!)).toMatchObject({ id: again, parentId: lastUser, role: 'assistant', status: 'error', model: 'ollama:qwen3', writer: 'tab-abcdefghij' });
    expect(plainValue(doc.messages[lastUser]!).childrenIds).toEqual([lastAnswer, again]);
  });

  it('a schema-2 conversation (plain-string fields, with history) is migrated to 3 and read the same by every reader, with new turns mixed in', () => {
    // written as a schema-2 build wrote it: every short field a plain string (text), over several changes
    const plain = (id: string, parentId: string | null, role: 'user' | 'assistant', extra: Partial<Record<string, unknown>> = {}) => ({
      id,
      parentId,
      childrenIds: [] as string[],
      role,
      content: `${id} text`,
      model: role === 'assistant' ? 'ollama:alpha' : null,
      thinking: '',
      images: [] as string[],
      timestamp: 1000 + Number(id.replace(/\D/g, '') || 0),
      status: 'done',
      error: null,
      stats: {},
      ...extra,
    });
    let doc = A.from({ ...initialConversation('c2', 'Old talk', [], 1000), models: ['ollama:alpha', 'ollama:beta'], schema: 2 } as unknown as Record<string, unknown>) as Doc;
    const addOld = (m: ReturnType<typeof plain>) => {
      doc = A.change(doc, (d) => {
        const x = d as unknown as { messages: Record<string, unknown>; currentId: string };
        x.messages[m.id] = m;
        if (m.parentId) (d.messages[m.parentId]!.childrenIds as string[]).push(m.id);
        x.currentId = m.id;
      });
    };
    addOld(plain('u1', null, 'user', { models: ['ollama:alpha', 'ollama:beta'] }));
    addOld(plain('a2', 'u1', 'assistant', { model: 'ollama:alpha', writer: 'old-tab' }));
    addOld(plain('a3', 'u1', 'assistant', { model: 'ollama:beta', writer: 'old-tab', status: 'error', error: 'gone' }));
    doc = A.change(doc, (d) => {
      (d as unknown as { currentId: string }).currentId = 'a2';
    });
    expect(checkDoc(KIND.conversation, doc).status).toBe('outdated');

    // opened by this build (as client/repo/open-doc.ts does): migrated, nothing rewritten
    const before = plainValue(doc.messages);
    doc = A.change(doc, (d) => {
      migrate(KIND.conversation, d as unknown as Record<string, unknown>);
    });
    expect(doc.schema).toBe(SCHEMA.conversation);
    expect(SCHEMA.conversation).toBe(3);
    expect(checkDoc(KIND.conversation, doc).status).toBe('ok');
    expect(typeof doc.messages.a2!.id).toBe('string');
    expect(plainValue(doc.messages)).toEqual(before);

    // the old failed answer stands in for nothing: a new turn continues from a2, written in schema 3
    expect(usableStandIn(doc.messages, 'a3')).toBe('a2');
    doc = A.change(doc, (d) =>
      addTurn(d, userMessage({ id: 'u4', parentId: 'a2', content: 'And then?', models: ['ollama:alpha'], now: 2000 }), [
        answerPlaceholder({ id: 'a5', parentId: 'u4', model: 'ollama:alpha', writer: 'new-tab', now: 2000 }),
      ]),
    );
    doc = A.change(doc, (d) => writeAnswerText(d.messages.a5!, { content: 'a5 text' }));
    doc = A.change(doc, (d) => finishAnswer(d.messages.a5, { status: 'done' }, 2001));
    // an old answer regenerated: a new sibling in the old message's plain childrenIds list
    doc = A.change(doc, (d) => addRegeneration(d, answerPlaceholder({ id: 'a6', parentId: 'u1', model: 'ollama:beta', writer: 'new-tab', now: 2002 })));
    expect(textFields(doc).sort()).toEqual(
      ['u1', 'a2', 'a3'].flatMap((id) => SHORT.filter((k) => doc.messages[id]![k] !== null && doc.messages[id]![k] !== undefined).map((k) => `${id}.${k}`))
        .concat(['u1.childrenIds[0]', 'u1.childrenIds[1]', 'u1.models[0]', 'u1.models[1]', 'models[0]', 'models[1]'])
        .sort(),
    );
    expect(typeof doc.messages.u1!.childrenIds[2]).toBe('object');
    expect(checkDoc(KIND.conversation, doc).status).toBe('ok');

    // every reader reads the mixed document exactly as its plain copy
    const copy = plainValue(doc) as unknown as ConversationDoc;
    const ids = (list: readonly ChatMessage[]) => list.map((m) => storedString(m.id));
    // a6 is in beta's column, the branch goes on through alpha's a2: it stays there
    expect(storedOrNull(doc.currentId)).toBe('a5');
    expect(ids(branchPath(doc.messages, 'a5'))).toEqual(['u1', 'a2', 'u4', 'a5']);
    expect(displayTurns(doc.messages, 'a5')).toEqual(displayTurns(copy.messages, 'a5'));
    expect(displayTurns(doc.messages, 'a5')).toEqual([
      { kind: 'user', key: 'u1', id: 'u1' },
      { kind: 'multi', key: 'multi:u1', parentId: 'u1', selectedId: 'a2', models: ['ollama:alpha', 'ollama:beta'] },
      { kind: 'user', key: 'u4', id: 'u4' },
      { kind: 'answer', key: 'a5', id: 'a5' },
    ]);
    expect(answerColumns(doc.messages, 'u1', 'a2')).toEqual(answerColumns(copy.messages, 'u1', 'a2'));
    expect(answerColumns(doc.messages, 'u1', 'a2').map((c) => [c.model, c.ids, c.selected])).toEqual([
      ['ollama:alpha', ['a2'], true],
      ['ollama:beta', ['a3', 'a6'], false],
    ]);
    expect(siblings(doc.messages, 'a6')).toEqual({ ids: ['a2', 'a3', 'a6'], index: 2 });
    expect(ids(contextForAnswer(doc.messages, 'a5', { ownThread: false }))).toEqual(['u1', 'a2', 'u4']);
    expect(ids(contextForAnswer(doc.messages, 'a6', { ownThread: true }))).toEqual(['u1']);
    expect(mergeable(doc.messages.a2)).toBe(true);
    expect(mergeable(doc.messages.a3)).toBe(false);
    expect(answerState(doc.messages.a6!, { running: false, localWriter: 'new-tab', now: 2002 })).toBe('interrupted');
    expect(answerState(doc.messages.a2!, { running: false, localWriter: 'new-tab', now: 2002 })).toBe('settled');

    // exports: plain strings, byte-identical to the export of the plain copy
    const o = { modelId: (r: string | null) => r ?? '', modelName: (r: string | null) => r ?? '', images: () => [], createdAt: 1000, updatedAt: 3000, pinned: false };
    const json = JSON.stringify(conversationToOpenWebUI(doc, o));
    expect(json).toBe(JSON.stringify(conversationToOpenWebUI(copy, o)));
    const history = conversationToOpenWebUI(doc, o)[0]!.chat.history;
    expect(history.currentId).toBe('a5');
    expect(history.messages.u1).toMatchObject({ id: 'u1', parentId: null, childrenIds: ['a2', 'a3', 'a6'], role: 'user', models: ['ollama:alpha', 'ollama:beta'] });
    expect(history.messages.a5).toMatchObject({ id: 'a5', parentId: 'u4', role: 'assistant', model: 'ollama:alpha', done: true });
    expect(history.messages.a3).toMatchObject({ done: true, error: { content: 'gone' } });
    const labels = { user: 'You', modelName: (r: string | null) => r ?? '', thinking: 'Thinking', images: (n: number) => `${n}`, untitled: 'Untitled' };
    expect(conversationToMarkdown(doc, labels)).toBe(conversationToMarkdown(copy, labels));
    expect(conversationToMarkdown(doc, labels)).toContain('### ollama:alpha\n\na5 text');

    // switching branch, on the mixed document: to the old error answer and back down the new turn
    doc = A.change(doc, (d) => selectBranch(d, 'a3'));
    expect(storedOrNull(doc.currentId)).toBe('a3');
    doc = A.change(doc, (d) => selectBranch(d, 'a2'));
    expect(storedOrNull(doc.currentId)).toBe('a5');
  });

  it('validation checks the value of a role or status in either form, and refuses one outside the list', () => {
    const conv = (m: Record<string, unknown>) => ({ ...initialConversation('c4', 'T', ['x'], 0), messages: { m1: m } });
    const base = storableMessage(userMessage({ id: 'm1', parentId: null, content: 'hi', models: ['x'], now: 1 }));
    expect(checkDoc(KIND.conversation, conv({ ...base })).status).toBe('ok');
    expect(checkDoc(KIND.conversation, conv({ ...base, role: 'user', status: 'done' })).status).toBe('ok');
    expect(checkDoc(KIND.conversation, conv({ ...base, role: immutable('robot') })).status).toBe('invalid');
    expect(checkDoc(KIND.conversation, conv({ ...base, role: 'robot' })).status).toBe('invalid');
    expect(checkDoc(KIND.conversation, conv({ ...base, status: immutable('asleep') })).status).toBe('invalid');
    expect(checkDoc(KIND.conversation, conv({ ...base, id: 7 })).status).toBe('invalid');
    // a structured clone of the document (the `{ val }` objects it makes of ImmutableStrings) still reads
    expect(checkDoc(KIND.conversation, structuredClone(conv({ ...base }))).status).toBe('ok');
  });

  it('two devices writing at once (both answer; one switches branch while the other regenerates) keep both edits and a consistent tree', () => {
    let base = fromPlain(initialConversation('c3', 'Shared', ['ollama:alpha'], 0));
    const first = turn(base, 1, 'ollama:alpha', null);
    base = first.doc;
    const second = turn(base, 2, 'ollama:alpha', first.answerId);
    base = second.doc;
    // the first answer has an alternative (a branch to switch to); the branch goes through the first
    const alt = 'answer-alt-0123456789abcdef';
    base = A.change(base, (d) => addRegeneration(d, answerPlaceholder({ id: alt, parentId: first.userId, model: 'ollama:alpha', writer: 'tab-0', now: 5 })));
    base = A.change(base, (d) => finishAnswer(d.messages[alt], { status: 'stopped' }, 6));
    base = A.change(base, (d) => selectBranch(d, first.answerId));
    expect(storedOrNull(base.currentId)).toBe(second.answerId);
    let a = A.clone(base, { actor: 'aaaaaaaa' });
    let b = A.clone(base, { actor: 'bbbbbbbb' });

    // both send a message after the same answer, and stream their answers
    const onA = turn(a, 3, 'ollama:alpha', second.answerId);
    a = onA.doc;
    const onB = turn(b, 4, 'ollama:beta', second.answerId);
    b = onB.doc;
    // then A switches to the first answer's alternative while B regenerates the second answer
    a = A.change(a, (d) => selectBranch(d, alt));
    expect(storedOrNull(a.currentId)).toBe(alt);
    const regen = 'answer-regen-0123456789abcdef';
    b = A.change(b, (d) => {
      markInterrupted(d.messages[second.answerId], 9);
      addRegeneration(d, answerPlaceholder({ id: regen, parentId: second.userId, model: 'ollama:alpha', writer: 'tab-b', now: 9 }));
    });
    b = A.change(b, (d) => writeAnswerText(d.messages[regen]!, { content: 'Regenerated.' }));

    const merged = A.merge(A.clone(a), b);
    const other = A.merge(A.clone(b), a);
    expect(A.getHeads(merged).sort()).toEqual(A.getHeads(other).sort());
    for (const doc of [merged, other]) {
      // both turns, both answers, the regeneration: all there
      expect(Object.keys(doc.messages).sort()).toEqual([first.userId, first.answerId, alt, second.userId, second.answerId, onA.userId, onA.answerId, onB.userId, onB.answerId, regen].sort());
      expect(doc.messages[second.answerId]!.childrenIds.map(storedString).sort()).toEqual([onA.userId, onB.userId].sort());
      expect(doc.messages[second.userId]!.childrenIds.map(storedString)).toEqual([second.answerId, regen]);
      expect(storedString(doc.messages[onB.answerId]!.status)).toBe('done');
      expect(storedOrNull(doc.messages[onB.answerId]!.model)).toBe('ollama:beta');
      // a consistent tree: every child names its parent and every parent lists its children
      for (const [id, m] of Object.entries(doc.messages)) {
        expect(storedString(m.id)).toBe(id);
        for (const c of m.childrenIds) expect(storedOrNull(doc.messages[storedString(c)]!.parentId)).toBe(id);
        const p = storedOrNull(m.parentId);
        if (p !== null) expect(doc.messages[p]!.childrenIds.map(storedString)).toContain(id);
      }
      // the selected leaf is one of the two concurrent choices, the same on both devices
      expect(doc.messages[first.userId]!.childrenIds.map(storedString)).toEqual([first.answerId, alt]);
      expect([alt, regen]).toContain(storedOrNull(doc.currentId));
      expect(storedOrNull(doc.currentId)).toBe(storedOrNull(merged.currentId));
      expect(textFields(doc)).toEqual([]);
      expect(checkDoc(KIND.conversation, doc).status).toBe('ok');
    }
    // and either device goes on from there: a merge of the second turn's answers reads the merged tree
    const answersOf = (doc: Doc) => displayTurns(doc.messages, storedOrNull(doc.currentId)).map((t) => t.key);
    expect(answersOf(merged)).toEqual(answersOf(other));
    const next = A.change(merged, (d) => addMerged(d, { ...answerPlaceholder({ id: 'merged', parentId: second.userId, model: 'ollama:alpha', writer: 'tab-a', now: 10 }), mergeOf: [second.answerId, regen] }));
    expect(next.messages[second.userId]!.childrenIds.map(storedString)).toEqual([second.answerId, regen, 'merged']);
  });
});
