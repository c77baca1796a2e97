/*
 * Operations and load time of the bench's long conversation, in Node (no browser): the
 * document `browser-open` opens, written the way bench/lib/seed.ts writes it (the app's own
 * writers, shared/chat/messages.ts). Prints one JSON line.
 *
 *   npx tsx bench/long-conversation-ops.ts [messages=1000] [loads=5]
 *
 * Used for docs/decisions/2026-12-07-long-conversation-open.md ("Schema 3"). The text comes
 * from its own seeded generator, so it is not byte for byte the template's, only of its shape.
 */
import * as A from '@automerge/automerge';
import { initialConversation, type ConversationDoc } from '../shared/schema/index.ts';
import { prng, writeTurns } from './lib/seed.ts';

const messages = Number(process.argv[2] ?? 1000);
const loads = Number(process.argv[3] ?? 5);

const start = A.from(initialConversation('conv-long', 'Bench long conversation', ['llama3.2'], 1_690_000_000_000) as unknown as Record<string, unknown>) as A.Doc<ConversationDoc>;
const doc = writeTurns(start, prng(42), Math.ceil(messages / 2), { codeEvery: 10, checkpointsPerAnswer: 2, startAt: 1_690_000_000_000 });

const changes = A.getAllChanges(doc);
const ops = changes.reduce((n, c) => n + A.decodeChange(c).ops.length, 0);
const bytes = A.save(doc);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const loadMs: number[] = [];
const incrementalMs: number[] = [];
for (let i = 0; i < loads; i++) {
  let t = performance.now();
  A.load(bytes);
  loadMs.push(performance.now() - t);
  t = performance.now();
  A.loadIncremental(A.init(), bytes);
  incrementalMs.push(performance.now() - t);
}

console.log(
  JSON.stringify({
    messages: Object.keys(doc.messages).length,
    changes: changes.length,
    ops,
    opsPerMessage: Math.round((ops / Object.keys(doc.messages).length) * 10) / 10,
    savedBytes: bytes.length,
    loadMsMedian: Math.round(median(loadMs)),
    loadIncrementalMsMedian: Math.round(median(incrementalMs)),
    loadMs: loadMs.map(Math.round),
    loadIncrementalMs: incrementalMs.map(Math.round),
  }),
);
