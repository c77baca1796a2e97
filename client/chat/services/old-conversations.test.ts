// A conversation written by a build before conversation schema 3 (every short field a plain
// string, collaborative text), opened and written by this one: a real Repo, openDoc, the chat's
// actions, answers from the fake Ollama (tests/helpers/chat-services.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { startFakeOllama, type FakeOllama } from '../../../tests/fake-ollama/index.ts';
import { makeTestChat, type TestChat } from '../../../tests/helpers/chat-services.ts';
import { answerText } from '../../../shared/chat/messages.ts';
import { displayTurns } from '../../../shared/chat/turns.ts';
import { conversationToOpenWebUI } from '../../../shared/chat/export.ts';
import { addConversationEntry, checkDoc, initialConversation, plainValue, storedOrNull, storedString, type ConversationDoc } from '../../../shared/schema/index.ts';
import { openDoc } from '../../repo/open-doc.ts';
import type { OpenConversation } from './start-answers.ts';

let fake: FakeOllama;
let chat: TestChat;

beforeAll(async () => {
  fake = await startFakeOllama({ models: [{ name: 'alpha', capabilities: ['completion'] }], tokensPerSecond: 0 });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clearScripts();
  fake.clearRequests();
  chat = makeTestChat(fake.url, { autoTitle: false });
});

const input = (text: string) => ({ text, images: [], files: [], models: ['ollama:alpha'], disabled: false, busy: false });
const chatRequests = () => fake.requests.filter((r) => r.path === '/api/chat').map((r) => r.body as { messages: { role: string; content: string }[] });

/** A schema-2 conversation as older builds wrote it: "Hello" answered twice (a2 selected, a3 its sibling). */
function oldConversation(): string {
  const m = (id: string, parentId: string | null, role: 'user' | 'assistant', content: string, extra: Record<string, unknown> = {}) => ({
    id,
    parentId,
    childrenIds: [] as string[],
    role,
    content,
    model: role === 'assistant' ? 'ollama:alpha' : null,
    thinking: '',
    images: [],
    timestamp: 1000,
    status: 'done',
    error: null,
    stats: {},
    ...extra,
  });
  const doc = {
    ...initialConversation('old', 'Old talk', [], 1000),
    schema: 2,
    models: ['ollama:alpha'],
    messages: {
      u1: m('u1', null, 'user', 'Hello', { childrenIds: ['a2', 'a3'], models: ['ollama:alpha'] }),
      a2: m('a2', 'u1', 'assistant', 'Hi there.', { writer: 'old-tab', updatedAt: 1000 }),
      a3: m('a3', 'u1', 'assistant', 'Hello to you.', { writer: 'old-tab', updatedAt: 1000 }),
    },
    currentId: 'a2',
  };
  const handle = chat.repo.create<ConversationDoc>(doc as unknown as ConversationDoc);
  chat.workspace.change((d) => addConversationEntry(d, 'old', { url: handle.url, title: 'Old talk', model: 'ollama:alpha' }, 1000));
  return handle.url;
}

async function opened(): Promise<OpenConversation> {
  const o = await openDoc<ConversationDoc>(chat.repo, oldConversation(), 'atelier/conversation');
  if (o.status !== 'ok') throw new Error(`not opened: ${o.status}`);
  return { handle: o.handle, id: 'old' };
}

const current = (conv: OpenConversation) => storedOrNull(conv.handle.doc().currentId);
const childrenOf = (conv: OpenConversation, id: string) => conv.handle.doc().messages[id]!.childrenIds.map(storedString);

describe('a conversation written before schema 3', () => {
  it('is migrated to schema 3 when opened, its messages as they were', async () => {
    const conv = await opened();
    const d = conv.handle.doc();
    expect(d.schema).toBe(3);
    expect(typeof d.messages.a2!.role).toBe('string');
    expect(plainValue(d.messages.a2)).toMatchObject({ id: 'a2', parentId: 'u1', role: 'assistant', status: 'done', model: 'ollama:alpha' });
  });

  it('a new turn continues from its selected answer, with the old exchange in the model’s context', async () => {
    const conv = await opened();
    expect(chat.actions.send(conv, input('And then?'))).toBe('sent');
    await chat.runner.settled();
    const d = conv.handle.doc();
    const answer = d.messages[current(conv)!]!;
    expect(storedOrNull(d.messages[storedOrNull(answer.parentId)!]!.parentId)).toBe('a2');
    expect(answerText(answer).content).toBe('You said: And then?');
    expect(storedString(answer.status)).toBe('done');
    expect(chatRequests().at(-1)!.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hello'],
      ['assistant', 'Hi there.'],
      ['user', 'And then?'],
    ]);
    expect(displayTurns(d.messages, current(conv)).map((t) => t.kind)).toEqual(['user', 'answer', 'user', 'answer']);
    // one document, both forms: the new turn's short fields one value each, the old ones text
    expect(A.isImmutableString(answer.status)).toBe(true);
    expect(A.isImmutableString(answer.parentId)).toBe(true);
    expect(A.isImmutableString(d.currentId)).toBe(true);
    expect(typeof d.messages.a2!.status).toBe('string');
    expect(checkDoc('atelier/conversation', d).status).toBe('ok');
  });

  it('its answers are regenerated, retried and switched between like new ones', async () => {
    const conv = await opened();
    fake.scriptChat({ content: 'Another take.' });
    chat.actions.regenerate(conv, 'a2');
    await chat.runner.settled();
    const regen = current(conv)!;
    expect(childrenOf(conv, 'u1')).toEqual(['a2', 'a3', regen]);
    // the old list holds both forms now
    expect(conv.handle.doc().messages.u1!.childrenIds.map((c) => A.isImmutableString(c))).toEqual([false, false, true]);
    expect(answerText(conv.handle.doc().messages[regen]).content).toBe('Another take.');

    chat.actions.select(conv, 'a3');
    expect(current(conv)).toBe('a3');
    chat.actions.rerun(conv, 'a3', false);
    await chat.runner.settled();
    expect(plainValue(conv.handle.doc().messages.a3)).toMatchObject({ status: 'done', writer: 'tab-here' });
    // the old answer rewritten in place: its status and writer now one value each, its id still text
    expect(A.isImmutableString(conv.handle.doc().messages.a3!.status)).toBe(true);
    expect(A.isImmutableString(conv.handle.doc().messages.a3!.writer)).toBe(true);
    expect(typeof conv.handle.doc().messages.a3!.id).toBe('string');
    expect(answerText(conv.handle.doc().messages.a3).content).toBe('You said: Hello');
    expect(childrenOf(conv, 'u1')).toEqual(['a2', 'a3', regen]);

    // an edit of the old user message: a sibling root sent to the old message's models
    chat.actions.edit(conv, 'u1', 'Hello again', []);
    await chat.runner.settled();
    const d = conv.handle.doc();
    const edited = d.messages[storedOrNull(d.messages[current(conv)!]!.parentId)!]!;
    expect(plainValue(edited)).toMatchObject({ parentId: null, role: 'user', models: ['ollama:alpha'] });

    // the export holds plain strings, the same as the export of a plain copy
    const o = { modelId: (r: string | null) => r ?? '', modelName: (r: string | null) => r ?? '', images: () => [], createdAt: 0, updatedAt: 0, pinned: false };
    expect(JSON.stringify(conversationToOpenWebUI(d, o))).toBe(JSON.stringify(conversationToOpenWebUI(plainValue(d) as unknown as ConversationDoc, o)));
    expect(conversationToOpenWebUI(d, o)[0]!.chat.history.messages.u1!.childrenIds).toEqual(['a2', 'a3', regen]);
  });
});
