/// <reference lib="webworker" />
import { createRagSession, type PrepareRequest, type RagSession } from '../../shared/rag/index-session.ts';
import { idbVectorStore } from './vector-cache.ts';

/*
 * Retrieval's per-chunk work off the main thread: chunking, hashing, vector cache reads and
 * writes (IndexedDB works in workers), and cosine ranking. One session per question; the page
 * only posts the documents' texts and the embeddings it fetched, and gets back the passages to
 * embed and the best ones.
 */

export type WorkerRequest =
  | { id: number; session: number; op: 'prepare'; req: PrepareRequest }
  | { id: number; session: number; op: 'vectors'; slots: number[]; flat: Float32Array; dim: number }
  | { id: number; session: number; op: 'rank'; query: Float32Array; k: number }
  | { id: number; session: number; op: 'end' };

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

const sessions = new Map<number, RagSession>();
const store = idbVectorStore();

async function handle(m: WorkerRequest): Promise<unknown> {
  let s = sessions.get(m.session);
  if (!s) sessions.set(m.session, (s = createRagSession(store)));
  switch (m.op) {
    case 'prepare':
      return s.prepare(m.req);
    case 'vectors':
      return s.addVectors(m.slots, m.flat, m.dim);
    case 'rank':
      return s.rank(m.query, m.k);
    case 'end':
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
