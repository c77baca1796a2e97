/**
 * Size and load time of a 1,000-message conversation (500 turns, every tenth answer with a code
 * block) with its answers stored the old way (streamed with `splice`, 4 batches a second) and the
 * new way (whole values at sparse checkpoints, client/chat/stream-writer.ts). Real Automerge, Node.
 *   npx tsx scripts/measure-answer-storage.ts
 */
import * as A from '@automerge/automerge';
import { initialConversation, type ConversationDoc } from '../shared/schema/conversation.ts';
import { answerPlaceholder, finishAnswer, userMessage, writeAnswerText } from '../shared/chat/messages.ts';
import { addTurn } from '../shared/chat/branch.ts';

const TURNS = 500;
/** characters a 250 ms batch carries (~40 tokens/s) */
const BATCH = 40;
/** a checkpoint every 5 s: 20 batches */
const PER_CHECKPOINT = 20;

function answerOf(i: number): string {
  const prose = Array.from({ length: 12 }, (_, k) => `Sentence ${k} of answer ${i}, with some ordinary words in it.`).join(' ');
  return i % 10 === 0 ? `${prose}\n\n\`\`\`ts\n${Array.from({ length: 30 }, (_, k) => `const v${k} = compute(${k}, "${i}");`).join('\n')}\n\`\`\`\n` : prose;
}

function build(way: 'splice' | 'checkpoints'): A.Doc<ConversationDoc> {
  let doc = A.from(initialConversation('c', 'Long', ['ollama:m'], 1) as unknown as Record<string, unknown>) as A.Doc<ConversationDoc>;
  let parent: string | null = null;
  for (let i = 0; i < TURNS; i++) {
    const u = `u${i}`;
    const a = `a${i}`;
    doc = A.change(doc, (d) => addTurn(d, userMessage({ id: u, parentId: parent, content: `Question ${i}?`, models: ['ollama:m'], now: i }), [answerPlaceholder({ id: a, parentId: u, model: 'ollama:m', writer: 'w', now: i })]));
    const text = answerOf(i);
    let n = 0;
    for (let at = 0; at < text.length; at += BATCH) {
      n++;
      const upTo = Math.min(text.length, at + BATCH);
      if (way === 'splice') {
        doc = A.change(doc, (d) => {
          // the old way: the answer's text as collaborative text (a placeholder's is one value since schema 3)
          if (at === 0) d.messages[a]!.content = '';
          A.splice(d, ['messages', a, 'content'], at, 0, text.slice(at, upTo));
        });
      } else if (n % PER_CHECKPOINT === 0) {
        doc = A.change(doc, (d) => writeAnswerText(d.messages[a]!, { content: text.slice(0, upTo) }));
      }
    }
    doc = A.change(doc, (d) => {
      if (way === 'checkpoints') writeAnswerText(d.messages[a]!, { content: text });
      finishAnswer(d.messages[a], { status: 'done' }, i + 1);
    });
    parent = a;
  }
  return doc;
}

for (const way of ['splice', 'checkpoints'] as const) {
  const bytes = A.save(build(way));
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    A.load(bytes);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const loaded = A.load<ConversationDoc>(bytes);
  console.log(`${way}: ${(bytes.length / 1024).toFixed(0)} KiB saved, ${A.stats(loaded).numOps} ops, load median ${times[2]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)})`);
}
