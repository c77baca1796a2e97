import type { Repo } from '@automerge/automerge-repo';
import type { DocumentsSettings } from '../../shared/schema/workspace.ts';
import type { KnowledgeRef } from '../../shared/schema/preset.ts';
import type { KnowledgeDoc } from '../../shared/schema/knowledge.ts';
import type { MessageSource } from '../../shared/schema/conversation.ts';
import { chunkText } from '../../shared/rag/chunk.ts';
import { sha256Hex } from '../../shared/rag/hash.ts';
import type { Ranked } from '../../shared/rag/retrieve.ts';
import { fillTemplate } from '../../shared/rag/template.ts';
import type { OllamaClient } from '../ollama/client.ts';
import { openDoc } from '../repo/open-doc.ts';
import { getVectors, putVectors, vectorKey } from './vector-cache.ts';
import type { RankRequest } from './retrieve.worker.ts';

/*
 * Retrieval for one question: the preset's documents are chunked, their passages embedded
 * (cached per device by model + content hash, missing ones computed in batches with
 * progress), ranked against the question off the main thread, and the best ones numbered
 * as <source> entries in the last user message through the template.
 */

export const EMBED_BATCH = 32;

export interface RagProgress {
  phase: 'embedding' | 'searching';
  done: number;
  total: number;
}

export class RagError extends Error {
  constructor(
    readonly code: 'no-embedding-model' | 'embed-failed',
    message: string,
  ) {
    super(message);
  }
}

export async function loadKnowledge(repo: Repo, refs: Record<string, KnowledgeRef>): Promise<Array<{ url: string; doc: KnowledgeDoc }>> {
  const out: Array<{ url: string; doc: KnowledgeDoc }> = [];
  for (const ref of Object.values(refs)) {
    if (!ref.url) continue;
    const opened = await openDoc<KnowledgeDoc>(repo, ref.url, 'atelier/knowledge');
    if (opened.status === 'ok' || opened.status === 'newer') out.push({ url: ref.url, doc: opened.handle.doc() });
  }
  return out;
}

let worker: Worker | null = null;
let nextId = 1;

function rankInWorker(query: Float32Array, vectors: Float32Array[], k: number): Promise<Ranked[]> {
  const dim = query.length;
  const flat = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => flat.set(v.length === dim ? v : v.subarray(0, dim), i * dim));
  worker ??= new Worker(new URL('./retrieve.worker.ts', import.meta.url), { type: 'module' });
  const w = worker;
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (e: MessageEvent<{ id: number; ranked: Ranked[] }>) => {
      if (e.data.id !== id) return;
      w.removeEventListener('message', onMessage);
      resolve(e.data.ranked);
    };
    w.addEventListener('message', onMessage);
    w.addEventListener('error', (e) => reject(new Error(e.message)), { once: true });
    const msg: RankRequest = { id, query, flat, dim, k };
    w.postMessage(msg, [flat.buffer]);
  });
}

/** Embeds `texts` (cached by hash), calling `onProgress` after every batch. */
export async function embedAll(
  client: OllamaClient,
  model: string,
  texts: string[],
  opts: { signal?: AbortSignal; onProgress?: (p: RagProgress) => void } = {},
): Promise<Float32Array[]> {
  const keys = await Promise.all(texts.map(async (t) => vectorKey(model, await sha256Hex(t))));
  const cached = await getVectors(keys).catch(() => keys.map(() => undefined));
  const out: Array<Float32Array | undefined> = [...cached];
  const missing = out.map((v, i) => (v ? -1 : i)).filter((i) => i >= 0);
  let done = 0;
  opts.onProgress?.({ phase: 'embedding', done, total: missing.length });
  for (let b = 0; b < missing.length; b += EMBED_BATCH) {
    const idx = missing.slice(b, b + EMBED_BATCH);
    const res = await client.embed({ model, input: idx.map((i) => texts[i]!) }, { signal: opts.signal });
    const fresh: Array<[string, Float32Array]> = [];
    idx.forEach((i, j) => {
      const v = new Float32Array(res.embeddings[j] ?? []);
      out[i] = v;
      fresh.push([keys[i]!, v]);
    });
    await putVectors(fresh).catch(() => undefined);
    done += idx.length;
    opts.onProgress?.({ phase: 'embedding', done, total: missing.length });
  }
  return out.map((v) => v ?? new Float32Array());
}

export interface RagResult {
  /** the new content of the last user message */
  content: string;
  sources: MessageSource[];
}

/** The passages for `query` among `docs`; null when the preset has no readable document. */
export async function retrieve(
  client: OllamaClient,
  docs: Array<{ url: string; doc: KnowledgeDoc }>,
  settings: DocumentsSettings,
  query: string,
  opts: { signal?: AbortSignal; onProgress?: (p: RagProgress) => void; fallbackModel?: string } = {},
): Promise<RagResult | null> {
  if (docs.length === 0) return null;
  const sources: Array<Omit<MessageSource, 'n'>> = [];
  for (const { url, doc } of docs) if (doc.wholeDocument) sources.push({ name: doc.name, url, text: String(doc.text) });

  const passages: Array<{ name: string; url: string; text: string }> = [];
  for (const { url, doc } of docs) {
    if (doc.wholeDocument) continue;
    for (const c of chunkText(String(doc.text), { size: settings.chunkSize, overlap: settings.chunkOverlap })) passages.push({ name: doc.name, url, text: c.text });
  }
  if (passages.length > 0) {
    const model = settings.embeddingModel || opts.fallbackModel || '';
    if (!model) throw new RagError('no-embedding-model', 'no embedding model');
    const vectors = await embedAll(client, model, passages.map((p) => p.text), opts);
    opts.onProgress?.({ phase: 'searching', done: 0, total: passages.length });
    const [q] = await embedAll(client, model, [query], { signal: opts.signal });
    const ranked = await rankInWorker(q ?? new Float32Array(), vectors, settings.topK);
    for (const r of ranked) {
      const p = passages[r.index];
      if (p) sources.push(p);
    }
  }
  const numbered: MessageSource[] = sources.map((s, i) => ({ ...s, n: i + 1 }));
  return { content: fillTemplate(settings.template, numbered, query), sources: numbered };
}
