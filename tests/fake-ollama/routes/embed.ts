/** POST /api/embed: deterministic hashed bag-of-words vectors, L2-normalised, fixed dimension per model. */
import { createHash } from 'node:crypto';
import type { RouteContext } from '../context.ts';
import { decodeBody } from '../body.ts';
import { sendError, sendJson } from '../gojson.ts';

function tokens(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words : [`\u0000${text}`];
}

/** Same text, same model dimension → same vector; texts sharing words get a positive cosine. */
export function embedText(text: string, dim: number): number[] {
  const v = new Float64Array(dim);
  for (const w of tokens(text)) {
    const h = createHash('sha256').update(w).digest();
    for (let k = 0; k < 4; k++) {
      const idx = h.readUInt32BE(k * 4) % dim;
      const sign = h[16 + k]! & 1 ? 1 : -1;
      v[idx]! += sign * (k === 0 ? 1 : 0.5);
    }
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  // float32 values printed like Go prints them: ≤ 6 significant digits round-trip exactly.
  return Array.from(v, (x) => {
    const y = x / norm;
    if (Math.abs(y) < 1e-6) return 0;
    return Number(y.toPrecision(6)) + 0;
  });
}

function renormalise(v: number[]): number[] {
  const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => {
    const y = x / n;
    return Math.abs(y) < 1e-6 ? 0 : Number(y.toPrecision(6)) + 0;
  });
}

export function embed({ res, state, raw }: RouteContext): void {
  const started = process.hrtime.bigint();
  const d = decodeBody(raw, 'EmbedRequest', { model: 'string' });
  if (!d.ok) return sendError(res, 400, d.error);
  const req = d.value;
  const name = typeof req.model === 'string' ? req.model : '';
  if (!name) return sendError(res, 400, 'model is required');
  const m = state.find(name);
  if (!m) return sendError(res, 404, `model "${name}" not found, try pulling it first`);

  let inputs: string[] = [];
  const input = req.input;
  if (typeof input === 'string') {
    if (input !== '') inputs = [input];
  } else if (Array.isArray(input)) {
    if (!input.every((x) => typeof x === 'string')) return sendError(res, 400, 'invalid input type');
    inputs = input as string[];
  } else if (input !== undefined && input !== null) {
    return sendError(res, 400, 'invalid input type');
  }

  const wasLoaded = m.loadedUntil !== null && m.loadedUntil > Date.now();
  m.loadedUntil = Date.now() + 5 * 60_000;
  if (inputs.length === 0) return sendJson(res, 200, { model: name, embeddings: [] });

  const dims = typeof req.dimensions === 'number' && req.dimensions > 0 ? Math.min(req.dimensions, m.embeddingLength) : m.embeddingLength;
  const script = state.embedScripts.shift();
  const embeddings =
    script?.embeddings ??
    inputs.map((t) => {
      const v = embedText(t, m.embeddingLength);
      return dims < v.length ? renormalise(v.slice(0, dims)) : v;
    });
  const promptEvalCount = script?.promptEvalCount ?? inputs.reduce((s, t) => s + tokens(t).length + 2, 0);
  const loadNs = wasLoaded ? 1_021_458 : 403_125_917;
  const total = Number(process.hrtime.bigint() - started) + loadNs + promptEvalCount * 250_000;
  sendJson(res, 200, {
    model: name,
    embeddings,
    total_duration: total,
    load_duration: loadNs,
    prompt_eval_count: promptEvalCount,
  });
}
