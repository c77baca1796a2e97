import type { Repo } from '@automerge/automerge-repo';
import type { DocumentsSettings } from '../../shared/schema/workspace.ts';
import type { KnowledgeRef } from '../../shared/schema/preset.ts';
import { knowledgeText, type KnowledgeDoc } from '../../shared/schema/knowledge.ts';
import type { MessageSource } from '../../shared/schema/conversation.ts';
import type { EmbedResult, PrepareRequest, RagSession, RankedPassage } from '../../shared/rag/index-session.ts';
import { fillTemplate } from '../../shared/rag/template.ts';
import { OllamaError, type OllamaClient } from '../ollama/client.ts';
import { openDoc } from '../repo/open-doc.ts';
import type { WorkerReply, WorkerRequest } from './retrieve.worker.ts';

/*
 * Retrieval for one question. Everything done per passage (chunking, hashing, the vector
 * cache, the /api/embed batches and their JSON, ranking) happens in a worker session, so a
 * preset with thousands of passages does not freeze the page: this side sends the documents'
 * texts, relays progress, embeds the question, and numbers the best passages as <source>
 * entries in the last user message via the template. If the worker cannot embed a batch, the
 * page's Ollama client takes over from there, so a failure gets its usual diagnosis.
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
let nextSession = 1;

/** A retrieval session in the shared worker (created on first use). */
export function workerSession(): RagSession {
  worker ??= new Worker(new URL('./retrieve.worker.ts', import.meta.url), { type: 'module' });
  const w = worker;
  const session = nextSession++;
  type Op = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id' | 'session'> : never) : never;
  const call = <T>(op: Op, transfer: Transferable[] = [], onProgress?: (done: number) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      const onMessage = (e: MessageEvent<WorkerReply>) => {
        if (e.data.id !== id) return;
        if ('progress' in e.data) return onProgress?.(e.data.progress);
        w.removeEventListener('message', onMessage);
        w.removeEventListener('error', onError);
        if (e.data.ok) resolve(e.data.value as T);
        else reject(new Error(e.data.error));
      };
      const onError = (e: ErrorEvent) => {
        w.removeEventListener('message', onMessage);
        reject(new Error(e.message));
      };
      w.addEventListener('message', onMessage);
      w.addEventListener('error', onError, { once: true });
      w.postMessage({ ...op, id, session } as WorkerRequest, transfer);
    });
  return {
    prepare: (req) => call({ op: 'prepare', req }),
    addVectors: (slots, flat, dim) => call({ op: 'vectors', slots, flat, dim }, [flat.buffer]),
    missingFrom: (from) => call({ op: 'missing', from }),
    embedMissing: (req, onProgress, signal) => {
      // a stop here stops the worker's fetch too
      const abort = () => void call({ op: 'abort' }).catch(() => undefined);
      signal?.addEventListener('abort', abort, { once: true });
      return call<EmbedResult>({ op: 'embed', req }, [], onProgress).finally(() => signal?.removeEventListener('abort', abort));
    },
    rank: (query, k) => call({ op: 'rank', query, k }, [query.buffer]),
    end: () => void call({ op: 'end' }).catch(() => undefined),
  };
}

/** Embeds `texts` in batches, handing each batch's vectors (one flat array) to `onBatch`, with progress. */
async function embedBatches(
  client: OllamaClient,
  model: string,
  texts: string[],
  onBatch: (from: number, count: number, flat: Float32Array, dim: number) => Promise<void>,
  opts: { signal?: AbortSignal; onProgress?: (p: RagProgress) => void },
): Promise<void> {
  opts.onProgress?.({ phase: 'embedding', done: 0, total: texts.length });
  for (let b = 0; b < texts.length; b += EMBED_BATCH) {
    const batch = texts.slice(b, b + EMBED_BATCH);
    const res = await client.embed({ model, input: batch }, { signal: opts.signal });
    const dim = res.embeddings[0]?.length ?? 0;
    const flat = new Float32Array(batch.length * dim);
    res.embeddings.forEach((v, j) => flat.set(v.length === dim ? v : v.slice(0, dim), j * dim));
    await onBatch(b, batch.length, flat, dim);
    opts.onProgress?.({ phase: 'embedding', done: Math.min(texts.length, b + batch.length), total: texts.length });
  }
}

export interface RagResult {
  /** the new content of the last user message */
  content: string;
  sources: MessageSource[];
}

export interface RetrieveOptions {
  signal?: AbortSignal;
  onProgress?: (p: RagProgress) => void;
  fallbackModel?: string;
  /** where the per-passage work runs; default a session in the retrieval worker */
  session?: () => RagSession;
}

/** The passages for `query` among `docs`; null when the preset has no readable document. */
export async function retrieve(
  client: OllamaClient,
  docs: Array<{ url: string; doc: KnowledgeDoc }>,
  settings: DocumentsSettings,
  query: string,
  opts: RetrieveOptions = {},
): Promise<RagResult | null> {
  if (docs.length === 0) return null;
  const sources: Array<Omit<MessageSource, 'n'>> = [];
  for (const { url, doc } of docs) if (doc.wholeDocument) sources.push({ name: doc.name, url, text: knowledgeText(doc) });

  const searched = docs.filter(({ doc }) => !doc.wholeDocument).map(({ url, doc }) => ({ url, name: doc.name, text: knowledgeText(doc) }));
  if (searched.length > 0) {
    const model = settings.embeddingModel || opts.fallbackModel || '';
    if (!model) throw new RagError('no-embedding-model', 'no embedding model');
    const session = (opts.session ?? workerSession)();
    try {
      const req: PrepareRequest = { docs: searched, chunk: { size: settings.chunkSize, overlap: settings.chunkOverlap }, model };
      const { total, missing } = await session.prepare(req);
      // the session fetches and parses the embeddings itself; from the first batch it could not
      // do, this client goes on (and, if it fails too, says why with its diagnosis)
      opts.onProgress?.({ phase: 'embedding', done: 0, total: missing });
      const progress = (done: number) => opts.onProgress?.({ phase: 'embedding', done, total: missing });
      const { done } = missing > 0 ? await session.embedMissing({ endpoint: client.endpoint, model, batch: EMBED_BATCH }, progress, opts.signal) : { done: 0 };
      if (opts.signal?.aborted) throw new OllamaError({ code: 'aborted' }, opts.signal.reason);
      const rest = done < missing ? await session.missingFrom(done) : [];
      await embedBatches(
        client,
        model,
        rest.map((m) => m.text),
        (from, count, flat, dim) => session.addVectors(rest.slice(from, from + count).map((m) => m.slot), flat, dim),
        { signal: opts.signal, onProgress: (p) => progress(done + p.done) },
      );
      if (total > 0) {
        opts.onProgress?.({ phase: 'searching', done: 0, total });
        const q = await client.embed({ model, input: [query] }, { signal: opts.signal });
        const ranked: RankedPassage[] = await session.rank(new Float32Array(q.embeddings[0] ?? []), settings.topK);
        for (const r of ranked) sources.push({ name: r.name, url: r.url, text: r.text });
      }
    } finally {
      session.end();
    }
  }
  const numbered: MessageSource[] = sources.map((s, i) => ({ ...s, n: i + 1 }));
  return { content: fillTemplate(settings.template, numbered, query), sources: numbered };
}
