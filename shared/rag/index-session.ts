import { chunkText, type ChunkOptions } from './chunk.ts';
import { sha256Hex } from './hash.ts';
import { cosine } from './retrieve.ts';
import { normalizeEndpoint } from '../ollama/diagnose.ts';

/*
 * The per-chunk work of retrieval for one question, kept together so that it can run in a Web
 * Worker (client/knowledge/retrieve.worker.ts) and in tests alike: chunk the documents, hash
 * every passage, look the vectors up in the cache, take the freshly embedded ones, rank.
 * Only the passages still to embed and the best few passages ever leave it.
 */

/** Embedding vectors cached by key (`model\nsha256`): IndexedDB in the browser, a Map in tests. */
export interface VectorStore {
  get(keys: string[]): Promise<Array<Float32Array | undefined>>;
  put(entries: Array<[string, Float32Array]>): Promise<void>;
}

export interface SessionDoc {
  url: string;
  name: string;
  text: string;
}

export interface PrepareRequest {
  docs: SessionDoc[];
  chunk: ChunkOptions;
  model: string;
}

export interface PrepareResult {
  /** passages in all */
  total: number;
  /** passages with no cached vector (their texts stay in the session: see missingFrom) */
  missing: number;
}

export interface MissingPassage {
  slot: number;
  text: string;
}

export interface RankedPassage {
  name: string;
  url: string;
  text: string;
  score: number;
}

export interface EmbedRequest {
  /** the Ollama endpoint as the person set it */
  endpoint: string;
  model: string;
  batch: number;
}

/** How far embedding the missing passages got: `done` of them; `error` when a batch failed (the rest is left). */
export interface EmbedResult {
  done: number;
  error?: string;
}

/** What the main thread talks to: a session in a worker, or in-process (tests). */
export interface RagSession {
  prepare(req: PrepareRequest): Promise<PrepareResult>;
  /**
   * Embeds the missing passages itself (POST /api/embed in batches, JSON parsed here, vectors
   * cached), reporting how many are done after each batch. Stops at the first failure: the
   * caller goes on from there with its own client, which diagnoses what went wrong.
   */
  embedMissing(req: EmbedRequest, onProgress: (done: number) => void, signal?: AbortSignal): Promise<EmbedResult>;
  /** vectors for `slots`, `dim` numbers each in `flat`; cached for next time */
  addVectors(slots: number[], flat: Float32Array, dim: number): Promise<void>;
  /** the passages still to embed from the `from`-th missing one on (when the caller must embed them itself) */
  missingFrom(from: number): Promise<MissingPassage[]>;
  rank(query: Float32Array, k: number): Promise<RankedPassage[]>;
  end(): void;
}

export const vectorKey = (model: string, hash: string) => `${model}\n${hash}`;

/** Hash in groups: thousands of digests in flight at once would only queue up. */
const HASH_GROUP = 256;

export function createRagSession(store: VectorStore): RagSession {
  let passages: Array<{ name: string; url: string; text: string; key: string }> = [];
  let vectors: Array<Float32Array | undefined> = [];
  let missing: MissingPassage[] = [];
  const addVectors = async (slots: number[], flat: Float32Array, dim: number) => {
    const fresh: Array<[string, Float32Array]> = [];
    slots.forEach((slot, j) => {
      const p = passages[slot];
      if (!p) return;
      // a copy: a view would keep (and store) the whole batch buffer
      const v = flat.slice(j * dim, (j + 1) * dim);
      vectors[slot] = v;
      fresh.push([p.key, v]);
    });
    await store.put(fresh).catch(() => undefined);
  };
  return {
    async prepare({ docs, chunk, model }) {
      passages = [];
      for (const d of docs) for (const c of chunkText(d.text, chunk)) passages.push({ name: d.name, url: d.url, text: c.text, key: '' });
      for (let i = 0; i < passages.length; i += HASH_GROUP) {
        const group = passages.slice(i, i + HASH_GROUP);
        const hashes = await Promise.all(group.map((p) => sha256Hex(p.text)));
        group.forEach((p, j) => (p.key = vectorKey(model, hashes[j]!)));
      }
      // a cache that cannot be read only costs recomputation
      vectors = await store.get(passages.map((p) => p.key)).catch(() => passages.map(() => undefined));
      missing = [];
      vectors.forEach((v, slot) => {
        if (!v || v.length === 0) missing.push({ slot, text: passages[slot]!.text });
      });
      return { total: passages.length, missing: missing.length };
    },
    addVectors,
    missingFrom: async (from) => missing.slice(from),
    async embedMissing({ endpoint, model, batch }, onProgress, signal) {
      const base = normalizeEndpoint(endpoint);
      if (!base) return { done: 0, error: 'bad endpoint' };
      for (let b = 0; b < missing.length; b += batch) {
        const part = missing.slice(b, b + batch);
        try {
          const res = await fetch(`${base}/api/embed`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model, input: part.map((m) => m.text) }), signal });
          if (!res.ok) return { done: b, error: `HTTP ${res.status}` };
          const json = (await res.json()) as { embeddings?: unknown };
          const list = Array.isArray(json.embeddings) ? (json.embeddings as unknown[]) : [];
          if (list.length !== part.length || !list.every((v): v is number[] => Array.isArray(v))) return { done: b, error: 'unexpected answer' };
          const dim = list[0]?.length ?? 0;
          const flat = new Float32Array(part.length * dim);
          list.forEach((v, j) => flat.set(v.length === dim ? v : v.slice(0, dim), j * dim));
          await addVectors(part.map((m) => m.slot), flat, dim);
        } catch (e) {
          return { done: b, error: e instanceof Error ? e.message : String(e) };
        }
        onProgress(Math.min(missing.length, b + batch));
      }
      return { done: missing.length };
    },
    async rank(query, k) {
      const scored: Array<{ slot: number; score: number }> = [];
      vectors.forEach((v, slot) => {
        if (v && v.length > 0) scored.push({ slot, score: cosine(query, v) });
      });
      scored.sort((a, b) => b.score - a.score || a.slot - b.slot);
      return scored.slice(0, Math.max(0, k)).map(({ slot, score }) => {
        const p = passages[slot]!;
        return { name: p.name, url: p.url, text: p.text, score };
      });
    },
    end() {
      passages = [];
      vectors = [];
      missing = [];
    },
  };
}

/** A VectorStore in memory (tests, and the fallback when IndexedDB is unavailable). */
export function memoryVectorStore(): VectorStore & { size(): number } {
  const m = new Map<string, Float32Array>();
  return {
    get: async (keys) => keys.map((k) => m.get(k)),
    put: async (entries) => {
      for (const [k, v] of entries) m.set(k, v);
    },
    size: () => m.size,
  };
}
