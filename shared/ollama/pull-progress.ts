/**
 * Pull progress maths as a small pure reducer. Feed it every object of a /api/pull stream
 * (`{status, digest?, total?, completed?}` or `{error}`) with the time it arrived:
 *
 *   let p = initialPullProgress();
 *   for await (const ev of stream) p = reducePullProgress(p, ev, Date.now());
 *
 * Layers are tracked by digest. Overall percent = bytes completed / bytes total over all
 * layers seen so far. `completed` missing means 0 and may never reach `total`; after
 * `success` the percent is 100. Speed is bytes/s over a sliding window (default 3 s).
 */

export interface PullEvent {
  status?: string;
  digest?: string;
  total?: number;
  completed?: number;
  error?: string;
}

export type PullPhase = 'idle' | 'manifest' | 'downloading' | 'verifying' | 'writing' | 'success' | 'error';

export interface PullLayer {
  digest: string;
  total: number;
  completed: number;
}

export interface PullProgress {
  phase: PullPhase;
  /** Last status text from the server ('' before the first event). */
  status: string;
  /** Message of an `{error}` event, else null. */
  error: string | null;
  /** Layers in the order they appeared. */
  layers: readonly PullLayer[];
  bytesDone: number;
  bytesTotal: number;
  /** 0–100 (not rounded); 100 after success. */
  percent: number;
  /** Bytes per second over the window while downloading; null until two samples span 200 ms, and outside downloading. */
  speed: number | null;
  /** Seconds left at the current speed while downloading; null when unknown (no speed, stalled, no total, other phases). 0 after success. */
  etaSeconds: number | null;
  /** Time of the first and the last event (ms), null before any. */
  startedAt: number | null;
  updatedAt: number | null;
  /** Sliding window of (time, bytesDone) samples. */
  readonly samples: ReadonlyArray<{ t: number; bytes: number }>;
  readonly windowMs: number;
}

export interface PullProgressOptions {
  /** Width of the speed window in ms (default 3000). */
  windowMs?: number;
}

/** Below this span the speed is not trusted (ms). */
const MIN_SPAN_MS = 200;

export function initialPullProgress(opts: PullProgressOptions = {}): PullProgress {
  return {
    phase: 'idle',
    status: '',
    error: null,
    layers: [],
    bytesDone: 0,
    bytesTotal: 0,
    percent: 0,
    speed: null,
    etaSeconds: null,
    startedAt: null,
    updatedAt: null,
    samples: [],
    windowMs: opts.windowMs ?? 3000,
  };
}

export function phaseOf(status: string): PullPhase | null {
  const s = status.toLowerCase();
  if (s === 'success') return 'success';
  if (s.startsWith('pulling manifest')) return 'manifest';
  if (s.startsWith('pulling ') || s.startsWith('downloading')) return 'downloading';
  if (s.startsWith('verifying')) return 'verifying';
  if (s.startsWith('writing manifest') || s.startsWith('removing') || s.startsWith('writing')) return 'writing';
  return null;
}

function nonNegInt(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

export function reducePullProgress(state: PullProgress, event: PullEvent, now: number): PullProgress {
  if (state.phase === 'success' || state.phase === 'error') return state;
  const base = { ...state, startedAt: state.startedAt ?? now, updatedAt: now };

  if (typeof event.error === 'string') {
    return { ...base, phase: 'error', error: event.error, speed: null, etaSeconds: null };
  }

  const status = typeof event.status === 'string' ? event.status : state.status;
  let phase = phaseOf(status) ?? state.phase;
  let layers = state.layers;

  if (typeof event.digest === 'string' && event.digest !== '') {
    const total = nonNegInt(event.total);
    const completed = Math.min(nonNegInt(event.completed), total || Infinity);
    const i = layers.findIndex((l) => l.digest === event.digest);
    const layer: PullLayer = { digest: event.digest, total: total || (i >= 0 ? layers[i]!.total : 0), completed };
    // A layer's progress never goes backwards.
    if (i >= 0) layer.completed = Math.max(layer.completed, layers[i]!.completed);
    layers = i >= 0 ? layers.map((l, k) => (k === i ? layer : l)) : [...layers, layer];
    if (phase === 'idle' || phase === 'manifest') phase = 'downloading';
  }

  const bytesTotal = layers.reduce((s, l) => s + l.total, 0);
  const bytesDone = layers.reduce((s, l) => s + Math.min(l.completed, l.total), 0);
  const counted = { ...base, phase, status, layers, bytesTotal, bytesDone };

  if (phase === 'success') return { ...counted, percent: 100, speed: null, etaSeconds: 0 };

  // Sliding window: keep the newest sample at or before the window start as the anchor.
  let samples = [...state.samples];
  const lastSample = samples.at(-1);
  if (!lastSample || lastSample.bytes !== bytesDone || phase === 'downloading') {
    if (lastSample && lastSample.t === now) samples[samples.length - 1] = { t: now, bytes: bytesDone };
    else samples.push({ t: now, bytes: bytesDone });
  }
  while (samples.length > 2 && samples[1]!.t <= now - state.windowMs) samples.shift();

  let speed: number | null = null;
  const first = samples[0];
  const last = samples.at(-1);
  if (first && last && last.t - first.t >= MIN_SPAN_MS) {
    speed = Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.t - first.t));
  }
  const left = bytesTotal - bytesDone;
  if (phase !== 'downloading') speed = null;
  const etaSeconds = phase === 'downloading' && speed !== null && speed > 0 && bytesTotal > 0 ? left / speed : null;

  return { ...counted, percent: bytesTotal > 0 ? (bytesDone / bytesTotal) * 100 : 0, speed, etaSeconds, samples };
}

/** Convenience: fold a list of `[event, time]`. */
export function pullProgressFrom(events: ReadonlyArray<readonly [PullEvent, number]>, opts?: PullProgressOptions): PullProgress {
  return events.reduce((s, [e, t]) => reducePullProgress(s, e, t), initialPullProgress(opts));
}
