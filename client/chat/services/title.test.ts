// Titles proposed by the model, in Node: a real Repo, the real Ollama client against the fake Ollama.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Repo, type DocHandle } from '@automerge/automerge-repo';
import { startFakeOllama, type FakeOllama } from '../../../tests/fake-ollama/index.ts';
import { createOllamaClient } from '../../ollama/client.ts';
import { initialConversation, type ConversationDoc } from '../../../shared/schema/index.ts';
import { addTurn } from '../../../shared/chat/branch.ts';
import { answerPlaceholder, userMessage, writeAnswerText } from '../../../shared/chat/messages.ts';
import { proposeTitle, type TitleDeps } from './title.ts';

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama({ models: [{ name: 'alpha', capabilities: ['completion'] }], tokensPerSecond: 0 });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.clearScripts();
  fake.clearRequests();
});

/** A conversation whose first exchange is done: "Hello" → "Hi there!" (answer `a1`). */
function conversation(): DocHandle<ConversationDoc> {
  const d = initialConversation('c', 'Hello', ['ollama:alpha'], 1);
  d.titleSource = 'message';
  const answer = answerPlaceholder({ id: 'a1', parentId: 'u1', model: 'ollama:alpha', writer: 't', now: 1 });
  answer.status = 'done';
  writeAnswerText(answer, { content: 'Hi there!' });
  addTurn(d, userMessage({ id: 'u1', parentId: null, content: 'Hello', models: ['ollama:alpha'], now: 1 }), [answer]);
  return new Repo({ network: [] }).create<ConversationDoc>(d);
}

function deps(over: Partial<TitleDeps> = {}): TitleDeps & { titles: string[] } {
  const titles: string[] = [];
  return {
    titles,
    enabled: () => true,
    async ask(ref, messages) {
      const name = ref?.replace(/^ollama:/, '');
      return name ? ((await createOllamaClient(fake.url).chatOnce({ model: name, messages })).message?.content ?? '') : null;
    },
    onTitle: (t) => void titles.push(t),
    ...over,
  };
}
const titleRequests = () => fake.requests.filter((r) => r.path === '/api/chat');

describe('model titles', () => {
  it('a title is written once from the first exchange', async () => {
    const handle = conversation();
    const d = deps();
    fake.scriptChat({ content: '{ "title": "👋 A friendly greeting" }' });
    expect(await proposeTitle(d, handle, 'a1')).toBe('👋 A friendly greeting');
    expect(handle.doc()).toMatchObject({ title: '👋 A friendly greeting', titleSource: 'model' });
    expect(d.titles).toEqual(['👋 A friendly greeting']);
    const asked = titleRequests()[0]!.body as { model: string; messages: { content: string }[] };
    expect(asked.model).toBe('alpha');
    expect(asked.messages[0]!.content).toContain('USER: Hello\nASSISTANT: Hi there!');
    // a regenerated first answer does not ask again
    expect(await proposeTitle(d, handle, 'a1')).toBeNull();
    expect(titleRequests()).toHaveLength(1);
  });

  it('only the first exchange asks for a title', async () => {
    const handle = conversation();
    handle.change((x) => {
      const next = answerPlaceholder({ id: 'a2', parentId: 'u2', model: 'ollama:alpha', writer: 't', now: 2 });
      next.status = 'done';
      addTurn(x, userMessage({ id: 'u2', parentId: 'a1', content: 'More', models: ['ollama:alpha'], now: 2 }), [next]);
    });
    expect(await proposeTitle(deps(), handle, 'a2')).toBeNull();
    expect(titleRequests()).toHaveLength(0);
    expect(handle.doc().title).toBe('Hello');
  });

  it('a title the person typed while the request was on its way is kept', async () => {
    const handle = conversation();
    const d = deps();
    fake.scriptChat({ content: '{ "title": "Model title" }' });
    const asked = d.ask;
    d.ask = async (ref, messages) => {
      const reply = await asked(ref, messages);
      handle.change((x) => {
        x.title = 'Mine';
        x.titleSource = 'user';
      });
      return reply;
    };
    expect(await proposeTitle(d, handle, 'a1')).toBeNull();
    expect(handle.doc()).toMatchObject({ title: 'Mine', titleSource: 'user' });
    expect(d.titles).toEqual([]);
  });

  it('a failed or empty reply, or titles switched off, keeps the derived title', async () => {
    const handle = conversation();
    fake.scriptChat({ errorBefore: { status: 500, error: 'model crashed' } });
    expect(await proposeTitle(deps(), handle, 'a1')).toBeNull();
    fake.scriptChat({ content: '   ' });
    expect(await proposeTitle(deps(), handle, 'a1')).toBeNull();
    expect(await proposeTitle(deps({ enabled: () => false }), handle, 'a1')).toBeNull();
    expect(titleRequests()).toHaveLength(2);
    expect(handle.doc()).toMatchObject({ title: 'Hello', titleSource: 'message' });
  });
});
