import { readFromWorker, type ToWorker } from './protocol.ts';

/*
 * The page's side of the Python worker: one worker for the page, created on the first run
 * (Pyodide is loaded then, never before). Runs queue in the worker; Stop terminates the worker
 * (Python cannot be interrupted otherwise without cross-origin isolation), which ends every run
 * it had, and the next run starts a fresh one.
 */

export type RunOutcome =
  | { kind: 'done'; result: string | null }
  | { kind: 'failed'; error: string }
  | { kind: 'load-failed'; message: string }
  | { kind: 'stopped' };

export interface RunCallbacks {
  /** the interpreter is loaded and this run's code is about to run (or waits its turn) */
  onReady(): void;
  onOutput(stream: 'stdout' | 'stderr', text: string): void;
}

export interface PythonRun {
  readonly outcome: Promise<RunOutcome>;
  /** ends this run (and the worker with it); its outcome becomes 'stopped' */
  stop(): void;
}

interface Pending {
  callbacks: RunCallbacks;
  settle(o: RunOutcome): void;
}

interface Session {
  worker: Worker;
  ready: boolean;
  pending: Map<number, Pending>;
}

let session: Session | null = null;
let nextId = 1;

function end(s: Session, outcome: (id: number) => RunOutcome): void {
  s.worker.terminate();
  if (session === s) session = null;
  for (const [id, p] of s.pending) p.settle(outcome(id));
  s.pending.clear();
}

function start(): Session {
  const worker = new Worker(new URL('./python.worker.ts', import.meta.url), { type: 'module', name: 'python' });
  const s: Session = { worker, ready: false, pending: new Map() };
  worker.addEventListener('message', (e: MessageEvent<unknown>) => {
    const m = readFromWorker(e.data);
    if (!m) return;
    switch (m.type) {
      case 'ready':
        s.ready = true;
        for (const p of s.pending.values()) p.callbacks.onReady();
        return;
      case 'load-failed':
        end(s, () => ({ kind: 'load-failed', message: m.message }));
        return;
      case 'output':
        s.pending.get(m.id)?.callbacks.onOutput(m.stream, m.text);
        return;
      case 'done':
      case 'failed': {
        const p = s.pending.get(m.id);
        s.pending.delete(m.id);
        p?.settle(m.type === 'done' ? { kind: 'done', result: m.result } : { kind: 'failed', error: m.error });
        return;
      }
    }
  });
  // the worker's own script did not load (offline before it was ever cached, say)
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    end(s, () => ({ kind: 'load-failed', message: e.message || 'the worker script could not be loaded' }));
  });
  return s;
}

export function runPython(code: string, callbacks: RunCallbacks): PythonRun {
  const s = (session ??= start());
  const id = nextId++;
  let settle!: (o: RunOutcome) => void;
  const outcome = new Promise<RunOutcome>((resolve) => (settle = resolve));
  s.pending.set(id, { callbacks, settle });
  s.worker.postMessage({ type: 'run', id, code } satisfies ToWorker);
  if (s.ready) callbacks.onReady();
  return {
    outcome,
    stop() {
      if (s.pending.has(id)) end(s, () => ({ kind: 'stopped' }));
    },
  };
}
