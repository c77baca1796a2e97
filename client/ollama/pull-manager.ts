/**
 * The pulls of this device, without any UI: a queue with at most N running at once, each fed
 * through the pull-progress reducer, cancellable, reporting snapshots (throttled) to its owner.
 * The Solid provider (pulls-context.tsx) keeps one for the whole app, so pulls keep running while
 * the person moves around.
 */
import { initialPullProgress, reducePullProgress, type PullEvent, type PullProgress } from '../../shared/ollama/pull-progress.ts';
import { parsePullInput, sameModelName } from '../../shared/ollama/pull-name.ts';
import type { Diagnosis } from '../../shared/ollama/diagnose.ts';
import { diagnosisOf } from './client.ts';

/** `interrupted`: the page was reloaded (or closed) while it ran; pulling again resumes it in Ollama */
export type PullState = 'queued' | 'running' | 'success' | 'error' | 'cancelled' | 'interrupted';

/** What outlives the page of a pull not yet finished (kept by the provider in sessionStorage). */
export interface SavedPull {
  model: string;
  endpoint: string;
  createdAt: number;
}

export interface PullJob {
  readonly id: string;
  /** The name as typed (after parsePullInput), e.g. `hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M`. */
  readonly model: string;
  /** The Ollama it was pulled into ('' while queued). */
  readonly endpoint: string;
  readonly state: PullState;
  readonly progress: PullProgress;
  /** Why it failed (state `error`). */
  readonly diagnosis: Diagnosis | null;
  readonly createdAt: number;
}

export interface PullSource {
  readonly endpoint: string;
  /** Starts the stream; rejects or throws while iterating with an OllamaError. */
  pull(model: string, opts: { signal: AbortSignal }): Promise<AsyncIterable<PullEvent>>;
}

export type StartResult =
  | { ok: true; job: PullJob }
  | { ok: false; reason: 'invalid'; input: string }
  | { ok: false; reason: 'already'; job: PullJob };

export interface PullManagerOptions {
  /** The Ollama to pull into, read when a pull starts. */
  source: () => PullSource;
  onChange: (jobs: readonly PullJob[]) => void;
  onSuccess?: (job: PullJob) => void;
  /** Pulls a previous page of this tab left unfinished: shown as interrupted. */
  interrupted?: readonly SavedPull[];
  /** The unfinished pulls (queued, running, interrupted) whenever they change, to save them. */
  onUnfinished?: (pulls: SavedPull[]) => void;
  /** Default 3. */
  maxConcurrent?: number;
  /** Progress snapshots at most this often (ms); state changes are reported at once. Default 100. */
  throttleMs?: number;
  now?: () => number;
}

export const MAX_CONCURRENT_PULLS = 3;

interface Job {
  id: string;
  model: string;
  endpoint: string;
  state: PullState;
  progress: PullProgress;
  diagnosis: Diagnosis | null;
  createdAt: number;
  controller: AbortController;
}

export function isActive(job: Pick<PullJob, 'state'>): boolean {
  return job.state === 'queued' || job.state === 'running';
}

export type PullManager = ReturnType<typeof makePullManager>;

export function makePullManager(opts: PullManagerOptions) {
  const max = opts.maxConcurrent ?? MAX_CONCURRENT_PULLS;
  const throttleMs = opts.throttleMs ?? 100;
  const now = opts.now ?? Date.now;
  let seq = 0;
  let jobs: Job[] = (opts.interrupted ?? []).map((p) => ({
    id: `pull-${++seq}`,
    model: p.model,
    endpoint: p.endpoint,
    state: 'interrupted',
    progress: initialPullProgress(),
    diagnosis: null,
    createdAt: p.createdAt,
    controller: new AbortController(),
  }));
  let savedKey = '';
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const snapshot = (j: Job): PullJob => ({
    id: j.id,
    model: j.model,
    endpoint: j.endpoint,
    state: j.state,
    progress: j.progress,
    diagnosis: j.diagnosis,
    createdAt: j.createdAt,
  });

  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (disposed) return;
    opts.onChange(jobs.map(snapshot));
    const unfinished = jobs.filter((j) => isActive(j) || j.state === 'interrupted').map((j) => ({ model: j.model, endpoint: j.endpoint, createdAt: j.createdAt }));
    const key = JSON.stringify(unfinished);
    if (key !== savedKey) {
      savedKey = key;
      opts.onUnfinished?.(unfinished);
    }
  };
  const schedule = () => {
    if (timer === null && !disposed) timer = setTimeout(flush, throttleMs);
  };

  const pump = () => {
    if (disposed) return;
    let running = jobs.filter((j) => j.state === 'running').length;
    for (const j of jobs) {
      if (running >= max) break;
      if (j.state === 'queued') {
        running++;
        void run(j);
      }
    }
  };

  async function run(job: Job): Promise<void> {
    job.state = 'running';
    const source = opts.source();
    job.endpoint = source.endpoint;
    flush();
    try {
      const stream = await source.pull(job.model, { signal: job.controller.signal });
      for await (const event of stream) {
        if (job.state !== 'running') break;
        job.progress = reducePullProgress(job.progress, event, now());
        schedule();
      }
      if (job.state === 'running') {
        // ollama-js ends the iteration at `status: success` (and throws when the stream ends without it).
        job.progress = reducePullProgress(job.progress, { status: 'success' }, now());
        job.state = 'success';
        flush();
        opts.onSuccess?.(snapshot(job));
      }
    } catch (e) {
      if (job.state === 'running') {
        const diagnosis = diagnosisOf(e);
        if (diagnosis.code === 'aborted') job.state = 'cancelled';
        else {
          job.state = 'error';
          job.diagnosis = diagnosis;
          job.progress = reducePullProgress(job.progress, { error: 'message' in diagnosis ? diagnosis.message : diagnosis.code }, now());
        }
      }
    } finally {
      flush();
      pump();
    }
  }

  const find = (id: string) => jobs.find((j) => j.id === id);

  return {
    /**
     * Queues a pull of what the person typed (a name, `ollama run …`, a Hugging Face URL).
     * For an interrupted pull this is Resume: Ollama keeps the layers already downloaded.
     */
    start(input: string): StartResult {
      const model = parsePullInput(input);
      if (model === null) return { ok: false, reason: 'invalid', input };
      const active = jobs.find((j) => isActive(j) && sameModelName(j.model, model));
      if (active) return { ok: false, reason: 'already', job: snapshot(active) };
      // A finished row for the same model is replaced by the new attempt.
      jobs = jobs.filter((j) => isActive(j) || !sameModelName(j.model, model));
      const job: Job = {
        id: `pull-${++seq}`,
        model,
        endpoint: '',
        state: 'queued',
        progress: initialPullProgress(),
        diagnosis: null,
        createdAt: now(),
        controller: new AbortController(),
      };
      jobs = [...jobs, job];
      flush();
      pump();
      return { ok: true, job: snapshot(job) };
    },
    /** Stops a running pull (the stream is aborted, Ollama stops downloading) or drops a queued one. */
    cancel(id: string): void {
      const job = find(id);
      if (!job || !isActive(job)) return;
      job.state = 'cancelled';
      job.controller.abort();
      flush();
      pump();
    },
    /** Removes a finished row. */
    dismiss(id: string): void {
      const job = find(id);
      if (!job || isActive(job)) return;
      jobs = jobs.filter((j) => j !== job);
      flush();
    },
    jobs(): PullJob[] {
      return jobs.map(snapshot);
    },
    /** Stops everything (the provider is going away). */
    dispose(): void {
      for (const j of jobs) if (isActive(j)) j.controller.abort();
      disposed = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
