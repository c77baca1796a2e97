import { storedOrNull, storedString } from '../schema/stored-string.ts';
import { describe, expect, it } from 'vitest';
import { initialConversation, type ConversationDoc } from '../schema/conversation.ts';
import { addRegeneration, addTurn, inOtherColumn } from './branch.ts';
import { chatInputs, contextForAnswer } from './context.ts';
import { DEFAULT_RAG_TEMPLATE } from '../rag/template.ts';
import { addMerged, mergedAnswers, mergedOffBranch, mergePrompt } from './merge.ts';
import { answerColumns, displayTurns } from './turns.ts';
import { withFiles } from './attachments.ts';
import { msg } from './fixtures.test-helpers.ts';

/* One question to two models, both answered. */
function twoAnswers(): ConversationDoc {
  const d = initialConversation('c', '', ['m:a', 'm:b'], 0);
  addTurn(d, msg('u1', null, 'user', { content: 'Why is the sky blue?', models: ['m:a', 'm:b'] }), [
    msg('a1', 'u1', 'assistant', { model: 'm:a', content: 'Scattering.' }),
    msg('b1', 'u1', 'assistant', { model: 'm:b', content: 'Rayleigh.' }),
  ]);
  return d;
}

const merged = (id: string, model = 'm:b', of = ['a1', 'b1']) => msg(id, 'u1', 'assistant', { model, content: `${id} merged`, mergeOf: of });

describe('merging the answers of a turn', () => {
  it('the merging model gets one message: Open WebUI’s prompt with the question and each answer in triple quotes', () => {
    const d = twoAnswers();
    addMerged(d, merged('m1'));
    const ctx = contextForAnswer(d.messages, 'm1', { ownThread: false });
    expect(ctx).toHaveLength(1);
    expect(ctx[0]!.role).toBe('user');
    expect(ctx[0]!.content).toBe(mergePrompt('Why is the sky blue?', ['Scattering.', 'Rayleigh.']));
    expect(ctx[0]!.content).toContain('to the latest user query: "Why is the sky blue?"');
    expect(storedString(ctx[0]!.content).endsWith('Responses from models: """Scattering."""\n\n"""Rayleigh."""')).toBe(true);
    // in own-thread mode too: the merge never sees a model's thread
    expect(contextForAnswer(d.messages, 'm1', { ownThread: true })).toEqual(ctx);
  });

  it('a question holding "{{responses}}" is not filled twice', () => {
    expect(mergePrompt('what is {{responses}}?', ['x'])).toContain('query: "what is {{responses}}?"');
  });

  it('the merged answer stays out of the columns, and the last turn continues from it', () => {
    const d = twoAnswers();
    addMerged(d, merged('m1'));
    expect(storedOrNull(d.currentId)).toBe('m1');
    expect(mergedAnswers(d.messages, 'u1')).toEqual(['m1']);
    const cols = answerColumns(d.messages, 'u1', 'm1');
    expect(cols.map((c) => [c.model, c.ids, c.selected])).toEqual([
      ['m:a', ['a1'], false],
      ['m:b', ['b1'], false],
    ]);
    expect(displayTurns(d.messages, storedOrNull(d.currentId)).map((t) => t.kind)).toEqual(['user', 'multi']);
  });

  it('later turns continue from the merged answer when it is selected, and own-thread models keep their own answers', () => {
    const d = twoAnswers();
    addMerged(d, merged('m1'));
    addTurn(d, msg('u2', 'm1', 'user', { content: 'Thanks', models: ['m:a', 'm:b'] }), [
      msg('a2', 'u2', 'assistant', { model: 'm:a', content: '', status: 'streaming' }),
      msg('b2', 'u2', 'assistant', { model: 'm:b', content: '', status: 'streaming' }),
    ]);
    expect(contextForAnswer(d.messages, 'a2', { ownThread: false }).map((m) => storedString(m.id))).toEqual(['u1', 'm1', 'u2']);
    expect(contextForAnswer(d.messages, 'b2', { ownThread: true }).map((m) => storedString(m.id))).toEqual(['u1', 'b1', 'u2']);
  });

  it('merging a turn that later turns follow leaves the branch where it is', () => {
    const d = twoAnswers();
    addTurn(d, msg('u2', 'a1', 'user', { content: 'More', models: ['m:a'] }), [msg('a2', 'u2', 'assistant', { model: 'm:a' })]);
    addMerged(d, merged('m1'));
    expect(storedOrNull(d.currentId)).toBe('a2');
    expect(mergedOffBranch(d.messages, storedOrNull(d.currentId), 'm1')).toBe(true);
  });

  it('regenerating the merging model’s own column while the merged answer is selected keeps the merged answer selected', () => {
    const d = twoAnswers();
    addMerged(d, merged('m1', 'm:b'));
    expect(inOtherColumn(d.messages, storedOrNull(d.currentId), 'u1', 'm:b')).toBe(true);
    addRegeneration(d, msg('b2', 'u1', 'assistant', { model: 'm:b', content: '', status: 'streaming' }));
    expect(storedOrNull(d.currentId)).toBe('m1');
  });

  it('a failed merge is not continued from: an answer of the turn stands in for it', () => {
    const d = twoAnswers();
    addMerged(d, { ...merged('m1'), status: 'error', content: '' });
    addTurn(d, msg('u2', 'm1', 'user', { content: 'Next', models: ['m:a'] }), [msg('a2', 'u2', 'assistant', { model: 'm:a', content: '', status: 'streaming' })]);
    expect(contextForAnswer(d.messages, 'a2', { ownThread: false }).map((m) => storedString(m.id))).toEqual(['u1', 'b1', 'u2']);
  });
});

describe('files attached to a message', () => {
  it('their text goes before what the person wrote, in every later request too', () => {
    const d = initialConversation('c', '', ['m:a'], 0);
    const files = [{ name: 'a "b".txt', type: 'text/plain', size: 3, text: 'abc' }];
    addTurn(d, msg('u1', null, 'user', { content: 'Sum up', files }), [msg('a1', 'u1', 'assistant')]);
    addTurn(d, msg('u2', 'a1', 'user', { content: 'Again' }), [msg('a2', 'u2', 'assistant', { content: '', status: 'streaming' })]);
    const inputs = chatInputs(contextForAnswer(d.messages, 'a2', { ownThread: false }), { imagesOf: () => [], vision: false, ragTemplate: DEFAULT_RAG_TEMPLATE });
    expect(inputs.messages.map((m) => m.content)).toEqual(['<file name="a &quot;b&quot;.txt">\nabc\n</file>\n\nSum up', 'a1 text', 'Again']);
    expect(withFiles('', files)).toBe('<file name="a &quot;b&quot;.txt">\nabc\n</file>');
  });
});
