/** Cosine similarity ranking: the pure core of retrieval (run in a worker by client/knowledge). */

export function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < n; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export interface Ranked {
  index: number;
  score: number;
}

/** The `k` vectors most similar to `query`, best first (ties: earlier first). */
export function topK(query: ArrayLike<number>, vectors: ReadonlyArray<ArrayLike<number>>, k: number): Ranked[] {
  const scored: Ranked[] = vectors.map((v, index) => ({ index, score: cosine(query, v) }));
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.slice(0, Math.max(0, k));
}
