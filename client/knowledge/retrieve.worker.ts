/// <reference lib="webworker" />
import { topK } from '../../shared/rag/retrieve.ts';

/* Cosine ranking off the main thread: vectors arrive as one flat Float32Array (transferred). */
export interface RankRequest {
  id: number;
  query: Float32Array;
  flat: Float32Array;
  dim: number;
  k: number;
}

self.onmessage = (e: MessageEvent<RankRequest>) => {
  const { id, query, flat, dim, k } = e.data;
  const n = dim > 0 ? Math.floor(flat.length / dim) : 0;
  const vectors: Float32Array[] = [];
  for (let i = 0; i < n; i++) vectors.push(flat.subarray(i * dim, (i + 1) * dim));
  (self as unknown as Worker).postMessage({ id, ranked: topK(query, vectors, k) });
};
