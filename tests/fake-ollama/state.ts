/** In-memory state of the fake: installed models, loaded models, scripts, pullable names, recorded requests. */
import { createHash } from 'node:crypto';
import type { ChatScript, EmbedScript, FakeModel, PullableSpec, RecordedRequest } from './types.ts';
import { displayShortest, fullName, nameKey, parseModelName, type ModelName } from './names.ts';

export interface ModelRecord {
  /** DisplayShortest, as /api/tags lists it. */
  name: string;
  /** registry.ollama.ai/library/llama3.2:latest */
  full: string;
  parsed: ModelName;
  family: string;
  families: string[];
  parameterSize: string;
  quantization: string;
  size: number;
  capabilities: string[];
  contextLength: number;
  embeddingLength: number;
  digest: string;
  weightsDigest: string;
  /** Scripted /api/show model_info, or null for the generated keys. */
  modelInfo: Record<string, unknown> | null;
  modifiedAt: Date;
  template: string;
  system: string;
  /** Unix ms until which the model stays in /api/ps; null = not loaded. */
  loadedUntil: number | null;
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function defaultParameterSize(spec: FakeModel): string {
  return spec.parameterSize ?? (spec.capabilities?.includes('embedding') ? '137M' : '3.2B');
}

function parseParams(ps: string): number {
  const m = /^([\d.]+)\s*([KMBT]?)/i.exec(ps);
  if (!m) return 3.2e9;
  const mult: Record<string, number> = { '': 1, K: 1e3, M: 1e6, B: 1e9, T: 1e12 };
  return Number(m[1]) * (mult[m[2]!.toUpperCase()] ?? 1);
}

const DEFAULT_TEMPLATE =
  '{{- if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}' +
  '{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ end }}' +
  '<|start_header_id|>assistant<|end_header_id|>\n\n';

export function makeRecord(spec: FakeModel, now = new Date()): ModelRecord {
  const parsed = parseModelName(spec.name);
  if (!parsed) throw new Error(`fake-ollama: invalid model name ${JSON.stringify(spec.name)}`);
  const capabilities = spec.capabilities ?? ['completion'];
  const isEmbedding = capabilities.includes('embedding');
  const family = spec.family ?? (isEmbedding ? 'nomic-bert' : 'llama');
  const parameterSize = defaultParameterSize(spec);
  const quantization = spec.quantization ?? (isEmbedding ? 'F16' : 'Q4_K_M');
  const bytesPerParam = quantization.startsWith('F16') ? 2 : quantization.startsWith('Q8') ? 1.06 : 0.63;
  const families = capabilities.includes('vision') ? [family, 'clip'] : [family];
  const full = fullName(parsed);
  return {
    name: displayShortest(parsed),
    full,
    parsed,
    family,
    families,
    parameterSize,
    quantization,
    size: spec.size ?? Math.round(parseParams(parameterSize) * bytesPerParam),
    capabilities,
    contextLength: spec.contextLength ?? (isEmbedding ? 2048 : 131072),
    embeddingLength: spec.embeddingLength ?? (isEmbedding ? 768 : 2048),
    digest: spec.digest ?? sha256Hex(`manifest:${full.toLowerCase()}`),
    weightsDigest: spec.weightsDigest ?? sha256Hex(`weights:${full.toLowerCase()}`),
    modelInfo: spec.modelInfo ?? null,
    modifiedAt: spec.modifiedAt ?? now,
    template: spec.template ?? (isEmbedding ? '{{ .Prompt }}' : DEFAULT_TEMPLATE),
    system: spec.system ?? '',
    loadedUntil: spec.loaded ? Date.now() + 5 * 60_000 : null,
  };
}

export class FakeState {
  models = new Map<string, ModelRecord>();
  scripts: ChatScript[] = [];
  embedScripts: EmbedScript[] = [];
  pullable = new Map<string, PullableSpec>();
  requests: RecordedRequest[] = [];
  tokensPerSecond: number;
  pullStepDelayMs: number;
  pullSteps: number;

  constructor(opts: { models?: FakeModel[]; tokensPerSecond?: number; pullStepDelayMs?: number; pullSteps?: number }) {
    this.tokensPerSecond = opts.tokensPerSecond ?? 500;
    this.pullStepDelayMs = opts.pullStepDelayMs ?? 5;
    this.pullSteps = opts.pullSteps ?? 4;
    this.setModels(opts.models ?? []);
  }

  setModels(models: FakeModel[]): void {
    this.models.clear();
    // Distinct modified_at so that /api/tags order (most recent first) is the given order.
    const base = Date.now();
    models.forEach((m, i) => this.addModel(m, new Date(base - i * 1000)));
  }

  addModel(spec: FakeModel, now = new Date()): ModelRecord {
    const rec = makeRecord(spec, now);
    this.models.set(rec.full.toLowerCase(), rec);
    return rec;
  }

  find(name: unknown): ModelRecord | undefined {
    if (typeof name !== 'string') return undefined;
    const n = parseModelName(name);
    return n ? this.models.get(nameKey(n)) : undefined;
  }

  /** Models sorted as /api/tags sorts them: most recently modified first (by second, stable). */
  list(): ModelRecord[] {
    return [...this.models.values()].sort(
      (a, b) => Math.floor(b.modifiedAt.getTime() / 1000) - Math.floor(a.modifiedAt.getTime() / 1000),
    );
  }

  setPullable(names: Record<string, PullableSpec>): void {
    this.pullable.clear();
    for (const [name, spec] of Object.entries(names)) {
      const n = parseModelName(name);
      if (!n) throw new Error(`fake-ollama: invalid pullable name ${JSON.stringify(name)}`);
      this.pullable.set(nameKey(n), spec);
    }
  }

  /** First queued script that applies to this model (removed from the queue). */
  takeScript(model: string): ChatScript | undefined {
    const key = parseModelName(model);
    const i = this.scripts.findIndex((s) => {
      if (s.model === undefined) return true;
      const sk = parseModelName(s.model);
      return !!sk && !!key && nameKey(sk) === nameKey(key);
    });
    if (i < 0) return undefined;
    return this.scripts.splice(i, 1)[0];
  }
}
