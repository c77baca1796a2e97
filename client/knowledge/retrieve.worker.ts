/// <reference lib="webworker" />
import { createRagSession, type EmbedRequest, type PrepareRequest, type RagSession } from '../../shared/rag/index-session.ts';
import { idbVectorStore } from './vector-cache.ts';

/*
 * Retrieval's per-chunk work off the main thread: chunking, hashing, vector cache reads and
 * writes (IndexedDB works in workers), the /api/embed calls and their JSON, and cosine ranking. One session per question; the page
 * only posts the documents' texts and the embeddings it fetched, and gets back the passages to
 * embed and the best ones.
 */

export type WorkerRequest =
  | { id: number; session: number; op: 'prepare'; req: PrepareRequest }
  | { id: number; session: number; op: 'vectors'; slots: number[]; flat: Float32Array; dim: number }
  | { id: number; session: number; op: 'embed'; req: EmbedRequest }
  | { id: number; session: number; op: 'missing'; from: number }
  | { id: number; session: number; op: 'abort' }
  | { id: number; session: number; op: 'rank'; query: Float32Array; k: number }
  | { id: number; session: number; op: 'end' };

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string } | { id: number; progress: number };

const sessions = new Map<number, RagSession>();
const aborts = new Map<number, AbortController>();
const store = idbVectorStore();

async function handle(m: WorkerRequest): Promise<unknown> {
  if (m.op === 'abort') {
    aborts.get(m.session)?.abort();
    return null;
  }
  let s = sessions.get(m.session);
  if (!s) sessions.set(m.session, (s = createRagSession(store)));
  switch (m.op) {
    case 'prepare':
      return s.prepare(m.req);
    case 'vectors':
      return s.addVectors(m.slots, m.flat, m.dim);
    case 'missing':
      return s.missingFrom(m.from);
    case 'embed': {
      const ac = new AbortController();
      aborts.set(m.session, ac);
      try {
        return await s.embedMissing(m.req, (done) => (self as unknown as Worker).postMessage({ id: m.id, progress: done } satisfies WorkerReply), ac.signal);
      } finally {
        aborts.delete(m.session);
      }
    }
    case 'rank':
      return s.rank(m.query, m.k);
    case 'end':
      aborts.get(m.session)?.abort();
      s.end();
      sessions.delete(m.session);
      return null;
  }
}

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const m = e.data;
  handle(m).then(
    (value) => (self as unknown as Worker).postMessage({ id: m.id, ok: true, value } satisfies WorkerReply),
    (err: unknown) => (self as unknown as Worker).postMessage({ id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies WorkerReply),
  );
};
