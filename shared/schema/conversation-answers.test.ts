import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { checkDoc, currentSchema, initialConversation, migrate, type ConversationDoc } from './index.ts';
import { addTurn } from '../chat/branch.ts';
import { answerPlaceholder, answerText, userMessage, writeAnswerText } from '../chat/messages.ts';

function withAnswer(schema: number): A.Doc<ConversationDoc> {
  const doc = { ...initialConversation('c', 'T', ['ollama:m'], 1), schema };
  addTurn(doc, userMessage({ id: 'u', parentId: null, content: 'hi', models: ['ollama:m'], now: 1 }), [
    answerPlaceholder({ id: 'a', parentId: 'u', model: 'ollama:m', writer: 'tab', now: 1 }),
  ]);
  // text, as answers were written before schema 2 (spliced below)
  doc.messages.a!.content = '';
  return A.from(doc as unknown as Record<string, unknown>) as A.Doc<ConversationDoc>;
}

describe('conversation schema 2: answers stored as one value', () => {
  it('an answer written as one value validates and reads as its text, and so does an old text answer', () => {
    let doc = withAnswer(currentSchema('atelier/conversation'));
    doc = A.change(doc, (d) => A.splice(d, ['messages', 'a', 'content'], 0, 0, 'old text'));
    expect(checkDoc('atelier/conversation', doc).status).toBe('ok');
    expect(answerText(doc.messages.a).content).toBe('old text');
    doc = A.change(doc, (d) => writeAnswerText(d.messages.a!, { content: 'new text', thinking: 'why' }));
    expect(A.isImmutableString(doc.messages.a!.content)).toBe(true);
    expect(checkDoc('atelier/conversation', doc).status).toBe('ok');
    expect(answerText(doc.messages.a)).toEqual({ content: 'new text', thinking: 'why' });
  });

  it('a schema 1 conversation is migrated to the current schema with its text untouched', () => {
    let doc = withAnswer(1);
    doc = A.change(doc, (d) => A.splice(d, ['messages', 'a', 'content'], 0, 0, 'kept'));
    expect(checkDoc('atelier/conversation', doc).status).toBe('outdated');
    doc = A.change(doc, (d) => {
      migrate('atelier/conversation', d as unknown as Record<string, unknown>);
    });
    expect(doc.schema).toBe(currentSchema('atelier/conversation'));
    expect(checkDoc('atelier/conversation', doc).status).toBe('ok');
    expect(answerText(doc.messages.a).content).toBe('kept');
  });

  it('a newer conversation this build cannot read says so, rather than calling it damaged', () => {
    const doc = { ...withAnswer(currentSchema('atelier/conversation') + 1), messages: { a: { content: 42 } } };
    const r = checkDoc('atelier/conversation', doc);
    expect(r).toMatchObject({ status: 'invalid' });
    expect(r.status === 'invalid' && r.message).toMatch(/newer version of Atelier/);
  });
});
