// Retrieval at the scale the issue asks for (a few thousand passages per preset), through the
// same code the app runs — chunking, hashing, cache, batched /api/embed on the fake Ollama,
// ranking — with the session in-process instead of in the worker (vitest has no Worker).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeOllama } from '../../tests/fake-ollama/index.ts';
import { createOllamaClient, isOllamaError } from '../ollama/client.ts';
import { initialKnowledge } from '../../shared/schema/index.ts';
import { createRagSession, memoryVectorStore } from '../../shared/rag/index-session.ts';
import { DEFAULT_DOCUMENTS_SETTINGS } from '../../shared/rag/settings.ts';
import { EMBED_BATCH, retrieve, type RagProgress } from './rag.ts';

let fake: FakeOllama;
beforeAll(async () => {
  fake = await startFakeOllama({ models: [{ name: 'nomic-embed-text', capabilities: ['embedding'] }] });
});
afterAll(() => fake.close());

/** A long Markdown manual of filler paragraphs (deterministic), with one paragraph holding the answer. */
function manual(paragraphs: number, answerAt: number): string {
  const vocab = 'alpha bravo cedar delta ember fjord glade harbor iris juniper kestrel lumen meadow nectar orchid pebble quartz raven sable tundra umber vale willow yarrow zephyr amber basalt cobalt dune'.split(' ');
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const out: string[] = [];
  for (let i = 0; i < paragraphs; i++) {
    if (i % 20 === 0) out.push(`## Chapter ${i / 20 + 1}`);
    if (i === answerAt) out.push('The secret launch code of project Heron is 7421 marigold.');
    else out.push(Array.from({ length: 28 }, () => vocab[Math.floor(rand() * vocab.length)]).join(' ') + '.');
  }
  return `# Operations manual\n\n${out.join('\n\n')}\n`;
}

describe('retrieval over thousands of passages', () => {
  it('chunks, indexes and retrieves the known answer among ≥ 3,000 passages, then answers again from the cache', async () => {
    const client = createOllamaClient(fake.url);
    const text = manual(3600, 2917);
    const docs = [
      { url: 'automerge:manual', doc: initialKnowledge({ name: 'manual.md', type: 'text/markdown', size: text.length, text }) },
      { url: 'automerge:short', doc: initialKnowledge({ name: 'short.md', type: 'text/markdown', size: 20, text: 'Lunch is at noon.' }) },
    ];
    const settings = { ...DEFAULT_DOCUMENTS_SETTINGS, embeddingModel: 'nomic-embed-text', chunkSize: 200, chunkOverlap: 20, topK: 3 };
    const store = memoryVectorStore();
    const progress: RagProgress[] = [];
    const embedsBefore = fake.requests.filter((r) => r.path === '/api/embed').length;

    const res = await retrieve(client, docs, settings, 'What is the secret launch code of project Heron?', {
      session: () => createRagSession(store),
      onProgress: (p) => progress.push(p),
    });
    const searching = progress.find((p) => p.phase === 'searching')!;
    expect(searching.total).toBeGreaterThanOrEqual(3000);
    expect(store.size()).toBe(searching.total);
    const embedding = progress.filter((p) => p.phase === 'embedding');
    expect(embedding.at(-1)).toEqual({ phase: 'embedding', done: searching.total, total: searching.total });
    const embeds = fake.requests.filter((r) => r.path === '/api/embed').slice(embedsBefore);
    expect(embeds.length).toBe(Math.ceil(searching.total / EMBED_BATCH) + 1);
    expect(embeds.every((r) => (r.body as { input: string[] }).input.length <= EMBED_BATCH)).toBe(true);

    expect(res!.sources).toHaveLength(3);
    expect(res!.sources[0]).toMatchObject({ n: 1, name: 'manual.md', url: 'automerge:manual' });
    expect(res!.sources[0]!.text).toContain('7421 marigold');
    expect(res!.content).toContain('<source id="1" name="manual.md">');

    // a second question: every passage vector comes from the cache, only the question is embedded
    const before = fake.requests.filter((r) => r.path === '/api/embed').length;
    const again = await retrieve(client, docs, settings, 'When is lunch?', { session: () => createRagSession(store) });
    expect(fake.requests.filter((r) => r.path === '/api/embed').length).toBe(before + 1);
    expect(again!.sources[0]).toMatchObject({ name: 'short.md', text: 'Lunch is at noon.' });
  });

  it('when the session cannot embed a batch, the client goes on from there and a failure comes with its diagnosis', async () => {
    const client = createOllamaClient(fake.url);
    const docs = [{ url: 'automerge:x', doc: initialKnowledge({ name: 'x.md', type: 'text/markdown', size: 5, text: 'Hello there.' }) }];
    const settings = { ...DEFAULT_DOCUMENTS_SETTINGS, embeddingModel: 'no-such-embedder' };
    const before = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/embed').length;
    const err = await retrieve(client, docs, settings, 'hi?', { session: () => createRagSession(memoryVectorStore()) }).catch((e: unknown) => e);
    expect(isOllamaError(err)).toBe(true);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/embed').length).toBe(before + 2);
  });
});
