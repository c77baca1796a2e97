// The chat's message actions in Node: a real automerge-repo Repo and workspace, answers streamed
// by the real Ollama client from the fake Ollama through runAnswer (tests/helpers/chat-services.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { startFakeOllama, type FakeOllama } from '../../../tests/fake-ollama/index.ts';
import { makeTestChat, type TestChat } from '../../../tests/helpers/chat-services.ts';
import { answerText, answerPlaceholder } from '../../../shared/chat/messages.ts';
import { plainValue, storedString, type ConversationDoc } from '../../../shared/schema/index.ts';
import type { OpenConversation } from './start-answers.ts';

let fake: FakeOllama;
let chat: TestChat;

beforeAll(async () => {
  fake = await startFakeOllama({
    models: [
      { name: 'alpha', capabilities: ['completion'] },
      { name: 'beta', capabilities: ['completion'] },
    ],
    tokensPerSecond: 0,
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clearScripts();
  fake.clearRequests();
  chat = makeTestChat(fake.url, { autoTitle: false });
});

const input = (text: string, models: string[] = ['ollama:alpha']) => ({ text, images: [], files: [], models, disabled: false, busy: false });
/** the document as the UI reads it: every stored string plain (short fields are ImmutableStrings since schema 3) */
const docOf = (conv: OpenConversation) => plainValue(conv.handle.doc());
const text = (conv: OpenConversation, id: string) => answerText(docOf(conv).messages[id]).content;
const msg = (conv: OpenConversation, id: string) => docOf(conv).messages[id]!;
const chatRequests = () => fake.requests.filter((r) => r.path === '/api/chat').map((r) => r.body as { model: string; messages: { role: string; content: string }[] });

/** A conversation with one finished exchange: "Hello" answered by `models`. */
async function started(models: string[] = ['ollama:alpha']): Promise<{ conv: OpenConversation; userId: string; answerIds: string[] }> {
  expect(chat.actions.send('new', input('Hello', models))).toBe('sent');
  chat.tasks.run();
  const conv = await chat.conversation(chat.opened[0]!);
  await chat.runner.settled();
  const d = docOf(conv);
  const userId = Object.values(d.messages).find((m) => m.role === 'user')!.id;
  return { conv, userId, answerIds: [...d.messages[userId]!.childrenIds] };
}

describe('chat actions', () => {
  it('a first message creates the conversation and its index entry, and the page goes to it before its answer starts', async () => {
    expect(chat.actions.send('new', input('What is a CRDT?'))).toBe('sent');
    const [id] = Object.keys(chat.workspace.doc().conversations);
    const entry = chat.workspace.doc().conversations[id!]!;
    expect(storedString(entry.title)).toBe('What is a CRDT?');
    expect(storedString(entry.model)).toBe('ollama:alpha');
    // the page, then the answer: both in the next task
    expect(chat.opened).toEqual([]);
    expect(chatRequests()).toHaveLength(0);
    chat.tasks.run();
    expect(chat.opened).toEqual([id]);
    const conv = await chat.conversation(id!);
    await chat.runner.settled();
    const d = docOf(conv);
    const answer = d.messages[d.currentId!]!;
    expect(answer).toMatchObject({ role: 'assistant', status: 'done', model: 'ollama:alpha', writer: 'tab-here' });
    expect(answerText(answer).content).toBe('You said: What is a CRDT?');
    expect(d.title).toBe('What is a CRDT?');
    expect(d.titleSource).toBe('message');
    expect(chat.remembered).toEqual([['ollama:alpha']]);
  });

  it('a message that cannot be sent says why and changes nothing', async () => {
    const { conv } = await started();
    const heads = A.getHeads(conv.handle.doc());
    const ws = A.getHeads(chat.workspace.doc());
    expect(chat.actions.send(conv, input('x', []))).toBe('no-model');
    expect(chat.actions.send(conv, input('   '))).toBe('empty');
    expect(chat.actions.send(conv, { ...input('x'), disabled: true })).toBe('disabled');
    expect(chat.actions.send(conv, { ...input('x'), busy: true })).toBe('busy');
    expect(chat.actions.send(null, input('x'))).toBe('not-ready');
    expect(A.getHeads(conv.handle.doc())).toEqual(heads);
    expect(A.getHeads(chat.workspace.doc())).toEqual(ws);
    expect(chat.tasks.pending()).toBe(0);
  });

  it('a next message answers from the selected answer and reaches the model with the exchange before it', async () => {
    const { conv, answerIds } = await started();
    expect(chat.actions.send(conv, input('And then?'))).toBe('sent');
    await chat.runner.settled();
    const d = docOf(conv);
    const answer = d.messages[d.currentId!]!;
    const user = d.messages[answer.parentId!]!;
    expect(user.parentId).toBe(answerIds[0]);
    expect(answerText(answer).content).toBe('You said: And then?');
    expect(chatRequests().at(-1)!.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Hello'],
      ['assistant', 'You said: Hello'],
      ['user', 'And then?'],
    ]);
  });

  it('regenerate keeps the previous answer as a sibling and shows the new one', async () => {
    const { conv, userId, answerIds } = await started();
    const first = answerIds[0]!;
    fake.scriptChat({ content: 'Another take.' });
    chat.actions.regenerate(conv, first);
    await chat.runner.settled();
    const d = docOf(conv);
    expect(d.messages[userId]!.childrenIds).toHaveLength(2);
    const second = d.messages[userId]!.childrenIds.find((id) => id !== first)!;
    expect(d.currentId).toBe(second);
    expect(text(conv, second)).toBe('Another take.');
    expect(msg(conv, first)).toMatchObject({ status: 'done' });
    expect(text(conv, first)).toBe('You said: Hello');
  });

  it('select moves the conversation to another branch and back', async () => {
    const { conv, answerIds } = await started();
    const first = answerIds[0]!;
    chat.actions.regenerate(conv, first);
    await chat.runner.settled();
    const second = docOf(conv).currentId!;
    chat.actions.select(conv, first);
    expect(docOf(conv).currentId).toBe(first);
    chat.actions.select(conv, second);
    expect(docOf(conv).currentId).toBe(second);
  });

  it('retry starts a failed answer over in place: same message, no sibling, the error gone', async () => {
    fake.scriptChat({ errorBefore: { status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' } });
    const { conv, userId, answerIds } = await started();
    const id = answerIds[0]!;
    expect(msg(conv, id).status).toBe('error');
    chat.actions.rerun(conv, id, false);
    await chat.runner.settled();
    expect(docOf(conv).messages[userId]!.childrenIds).toEqual([id]);
    expect(msg(conv, id)).toMatchObject({ status: 'done', error: null });
    expect(text(conv, id)).toBe('You said: Hello');
  });

  it('stop keeps what arrived as a stopped answer, and continue appends to it', async () => {
    fake.scriptChat({ content: 'Once upon a time there was a very long story that went on and on.', tokensPerSecond: 20 });
    expect(chat.actions.send('new', input('Tell me a story'))).toBe('sent');
    chat.tasks.run();
    const conv = await chat.conversation(chat.opened[0]!);
    const id = docOf(conv).currentId!;
    await chat.runner.shown(id, (t) => t.content.length > 0);
    chat.actions.stop(id);
    await chat.runner.settled();
    const kept = text(conv, id);
    expect(msg(conv, id).status).toBe('stopped');
    expect(kept.length).toBeGreaterThan(0);
    expect('Once upon a time there was a very long story that went on and on.'.startsWith(kept)).toBe(true);

    fake.scriptChat({ content: ' THE END' });
    chat.actions.rerun(conv, id, true);
    await chat.runner.settled();
    expect(msg(conv, id).status).toBe('done');
    expect(text(conv, id)).toBe(`${kept} THE END`);
    // the model was given the interrupted answer to go on from
    expect(chatRequests().at(-1)!.messages.at(-1)).toMatchObject({ role: 'assistant', content: kept });
  });

  it('a running answer is neither retried nor continued again; regenerate stops it first', async () => {
    fake.scriptChat({ content: 'slow '.repeat(50), tokensPerSecond: 20 });
    expect(chat.actions.send('new', input('Slow please'))).toBe('sent');
    chat.tasks.run();
    const conv = await chat.conversation(chat.opened[0]!);
    const id = docOf(conv).currentId!;
    await chat.runner.shown(id, (t) => t.content.length > 0);
    const heads = A.getHeads(conv.handle.doc());
    chat.actions.rerun(conv, id, false);
    chat.actions.rerun(conv, id, true);
    expect(A.getHeads(conv.handle.doc())).toEqual(heads);
    chat.actions.regenerate(conv, id);
    await chat.runner.settled();
    expect(msg(conv, id).status).toBe('stopped');
    expect(docOf(conv).currentId).not.toBe(id);
    expect(text(conv, docOf(conv).currentId!)).toBe('You said: Slow please');
  });

  it('edit and resend makes a sibling turn with the new text; the original turn and its answer stay', async () => {
    const { conv, userId, answerIds } = await started();
    chat.actions.edit(conv, userId, 'Hello again', []);
    await chat.runner.settled();
    const d = docOf(conv);
    const answer = d.messages[d.currentId!]!;
    const edited = d.messages[answer.parentId!]!;
    expect(edited.id).not.toBe(userId);
    expect(edited.parentId).toBeNull();
    expect(storedString(edited.content)).toBe('Hello again');
    expect(edited.models).toEqual(['ollama:alpha']);
    expect(answerText(answer).content).toBe('You said: Hello again');
    expect(storedString(d.messages[userId]!.content)).toBe('Hello');
    expect(text(conv, answerIds[0]!)).toBe('You said: Hello');
  });

  it('an edited message keeps its attached files', async () => {
    expect(chat.actions.send('new', { ...input('Summarise'), files: [{ name: 'notes.txt', type: 'text/plain', size: 5, text: 'notes' }] })).toBe('sent');
    chat.tasks.run();
    const conv = await chat.conversation(chat.opened[0]!);
    await chat.runner.settled();
    const userId = Object.values(docOf(conv).messages).find((m) => m.role === 'user')!.id;
    chat.actions.edit(conv, userId, 'Summarise briefly', []);
    await chat.runner.settled();
    const d = docOf(conv);
    const edited = d.messages[d.messages[d.currentId!]!.parentId!]!;
    expect(edited.files?.map((f) => ({ ...f, text: storedString(f.text) }))).toEqual([{ name: 'notes.txt', type: 'text/plain', size: 5, text: 'notes' }]);
  });

  it('merge asks one model to combine the answers of a turn; the answers merged stay as they were', async () => {
    const { conv, userId, answerIds } = await started(['ollama:alpha', 'ollama:beta']);
    expect(answerIds).toHaveLength(2);
    fake.scriptChat({ content: 'Both agree.' });
    chat.actions.merge(conv, userId, 'ollama:beta', answerIds);
    await chat.runner.settled();
    const merged = Object.values(docOf(conv).messages).find((m) => m.mergeOf !== undefined)!;
    expect(merged).toMatchObject({ parentId: userId, model: 'ollama:beta', status: 'done', mergeOf: answerIds });
    expect(answerText(merged).content).toBe('Both agree.');
    const prompt = chatRequests().at(-1)!.messages.map((m) => m.content).join('\n');
    for (const id of answerIds) expect(prompt).toContain(text(conv, id));
    // one answer is nothing to merge
    const heads = A.getHeads(conv.handle.doc());
    chat.actions.merge(conv, userId, 'ollama:beta', [answerIds[0]!]);
    expect(A.getHeads(conv.handle.doc())).toEqual(heads);
  });

  it('an interrupted answer keeps the live text beyond its checkpoint, and its writer\'s heartbeat stays as it was', async () => {
    const { conv, userId } = await started();
    conv.handle.change((d: ConversationDoc) => {
      const a = answerPlaceholder({ id: 'elsewhere', parentId: userId, model: 'ollama:alpha', writer: 'other-tab', now: 1 });
      a.content = 'Hel';
      d.messages.elsewhere = a;
      d.messages[userId]!.childrenIds.push('elsewhere');
    });
    chat.actions.keepLiveText(conv, 'elsewhere', { content: 'He', thinking: '', writer: 'other-tab' });
    expect(text(conv, 'elsewhere')).toBe('Hel');
    chat.actions.keepLiveText(conv, 'elsewhere', { content: 'Hello wor', thinking: '', writer: 'another-writer' });
    expect(text(conv, 'elsewhere')).toBe('Hel');
    chat.actions.keepLiveText(conv, 'elsewhere', { content: 'Hello wor', thinking: '', writer: 'other-tab' });
    expect(text(conv, 'elsewhere')).toBe('Hello wor');
    expect(msg(conv, 'elsewhere')).toMatchObject({ status: 'streaming', updatedAt: 1 });
  });

  it('an opening marks its conversation kept at its first edit only, and each message touches the index entry', async () => {
    const { conv } = await started();
    const keptBy = () => storedString(chat.workspace.doc().conversations[conv.id]!.keptBy ?? '');
    expect(keptBy()).toBe('');
    chat.actions.send(conv, input('One'));
    await chat.runner.settled();
    const first = keptBy();
    expect(first).not.toBe('');
    const updated = chat.workspace.doc().conversations[conv.id]!.updatedAt;
    chat.actions.send(conv, input('Two', ['ollama:beta']));
    await chat.runner.settled();
    expect(keptBy()).toBe(first);
    expect(chat.workspace.doc().conversations[conv.id]!.updatedAt).toBeGreaterThanOrEqual(updated);
    expect(storedString(chat.workspace.doc().conversations[conv.id]!.model)).toBe('ollama:beta');
  });

  it('with model titles on, a finished first answer gets its title in the conversation and the index; a failed one keeps the derived title', async () => {
    chat = makeTestChat(fake.url, { autoTitle: true });
    fake.scriptChat({ content: 'Paris.' });
    fake.scriptChat({ content: '{ "title": "🗼 Capital of France" }' });
    expect(chat.actions.send('new', input('Capital of France?'))).toBe('sent');
    chat.tasks.run();
    const conv = await chat.conversation(chat.opened[0]!);
    await chat.runner.settled();
    expect(docOf(conv)).toMatchObject({ title: '🗼 Capital of France', titleSource: 'model' });
    expect(storedString(chat.workspace.doc().conversations[conv.id]!.title)).toBe('🗼 Capital of France');

    fake.scriptChat({ errorBefore: { status: 500, error: 'model crashed' } });
    expect(chat.actions.send('new', input('Will this fail?'))).toBe('sent');
    chat.tasks.run();
    const failed = await chat.conversation(chat.opened[1]!);
    await chat.runner.settled();
    expect(docOf(failed)).toMatchObject({ title: 'Will this fail?', titleSource: 'message' });
    expect(chatRequests()).toHaveLength(3);
  });
});
