/**
 * POST /api/pull, following PullHandler + PullModel: "pulling manifest", one
 * "pulling <12 hex>" status per layer (completed omitted while 0), "verifying sha256 digest",
 * "writing manifest", sometimes "removing unused layers", "success". Unknown names fail inside
 * the stream; invalid names get 400 before it; a client abort stops the pull.
 */
import type { RouteContext } from '../context.ts';
import { decodeBody } from '../body.ts';
import { omitEmpty, sendError, sendJson } from '../gojson.ts';
import { NdjsonWriter, sleep } from '../ndjson.ts';
import { displayShortest, nameKey, parseModelName } from '../names.ts';
import { sha256Hex } from '../state.ts';
import type { PullableSpec } from '../types.ts';

export const MANIFEST_NOT_FOUND = 'pull model manifest: file does not exist';

interface Progress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
}

export function layerSizes(layers: number, totalBytes: number): number[] {
  const n = Math.max(1, Math.floor(layers));
  if (n === 1) return [totalBytes];
  const rest: number[] = [];
  for (let i = 1; i < n; i++) rest.push(Math.max(1, Math.floor(totalBytes / (2000 * i))));
  const first = totalBytes - rest.reduce((a, b) => a + b, 0);
  if (first < 1) {
    const each = Math.max(1, Math.floor(totalBytes / n));
    return Array.from({ length: n }, (_, i) => (i === 0 ? Math.max(1, totalBytes - each * (n - 1)) : each));
  }
  return [first, ...rest];
}

export async function pull(ctx: RouteContext): Promise<void> {
  const { res, state, raw, signal } = ctx;
  const d = decodeBody(raw, 'PullRequest', { model: 'string', name: 'string', stream: 'bool', insecure: 'bool' });
  if (!d.ok) return sendError(res, 400, d.error);
  const req = d.value;
  const requested = (req.model as string | undefined) || (req.name as string | undefined) || '';
  const parsed = parseModelName(requested);
  if (!parsed) return sendError(res, 400, 'invalid model name');
  const key = nameKey(parsed);
  const installed = state.models.get(key);
  const spec: PullableSpec | undefined = state.pullable.get(key) ?? (installed ? {} : undefined);
  const stream = req.stream !== false;
  const writer = stream ? new NdjsonWriter(res, spec?.chunkBytes ?? 0) : null;
  const stepDelay = spec?.stepDelayMs ?? state.pullStepDelayMs;
  const steps = Math.max(1, Math.floor(spec?.steps ?? state.pullSteps));

  const emit = async (p: Progress): Promise<boolean> => {
    if (signal.aborted) return false;
    if (writer) await writer.write(omitEmpty({ ...p }, ['digest', 'total', 'completed']));
    return !signal.aborted;
  };
  const fail = async (error: string): Promise<void> => {
    if (writer) {
      await writer.writeError(error);
      writer.end();
    } else {
      // waitForStream sets `application/json` (no charset) before c.JSON, as for its success.
      sendJson(res, 500, { error }, 'application/json');
    }
  };
  const pause = async (): Promise<boolean> => {
    await sleep(stepDelay, signal);
    return !signal.aborted;
  };

  if (!(await emit({ status: 'pulling manifest' }))) return;
  if (!(await pause())) return;
  if (!spec) return fail(MANIFEST_NOT_FOUND);

  const total = spec.blobs ? spec.blobs.reduce((n, b) => n + b.size, 0) : (spec.totalBytes ?? installed?.size ?? 2_019_377_376);
  const blobs = spec.blobs ?? generatedBlobs(key, layerSizes(spec.layers ?? 3, total), steps, spec.stopShortOfTotal === true);
  for (const { digest, size, progress } of blobs) {
    const status = `pulling ${digest.replace(/^sha256:/, '').slice(0, 12)}`;
    if (installed) {
      // Blob already on disk: reported complete at once.
      if (!(await emit({ status, digest, total: size, completed: size }))) return;
      continue;
    }
    if (!(await emit({ status, digest, total: size }))) return;
    for (const completed of progress ?? [size]) {
      if (!(await pause())) return;
      if (!(await emit({ status, digest, total: size, completed }))) return;
    }
  }
  if (!(await pause())) return;
  if (!(await emit({ status: 'verifying sha256 digest' }))) return;
  if (!(await pause())) return;
  if (!(await emit({ status: 'writing manifest' }))) return;
  if (signal.aborted) return;
  const name = displayShortest(parsed);
  const quantFromTag = /^(I?Q\d|F16|F32|BF16)/i.test(parsed.tag) ? parsed.tag.toUpperCase() : undefined;
  const base = installed
    ? installedSpec(installed)
    : { family: 'llama', quantization: quantFromTag, size: total, capabilities: ['completion'] };
  state.addModel({ ...base, ...spec.model, name });
  if (spec.removesUnusedLayers) {
    if (!(await pause())) return;
    if (!(await emit({ status: 'removing unused layers' }))) return;
  }
  if (!(await pause())) return;
  if (writer) {
    await emit({ status: 'success' });
    writer.end();
  } else {
    sendJson(res, 200, { status: 'success' }, 'application/json');
  }
}

/** Layers of a pull that was not given `blobs`: derived digests, `steps` even progress lines each. */
function generatedBlobs(key: string, sizes: number[], steps: number, stopShortOfTotal: boolean) {
  return sizes.map((size, i) => {
    const progress: number[] = [];
    for (let s = 1; s <= steps; s++) {
      let completed = Math.floor((size * s) / steps);
      if (s === steps && stopShortOfTotal && size > 1) completed = size - Math.max(1, Math.floor(size / 1000));
      progress.push(completed);
    }
    return { digest: `sha256:${sha256Hex(`layer:${key}:${i}`)}`, size, progress };
  });
}

function installedSpec(m: NonNullable<ReturnType<RouteContext['state']['models']['get']>>) {
  return {
    family: m.family,
    parameterSize: m.parameterSize,
    quantization: m.quantization,
    size: m.size,
    capabilities: m.capabilities,
    contextLength: m.contextLength,
    embeddingLength: m.embeddingLength,
    template: m.template,
    system: m.system,
  };
}
