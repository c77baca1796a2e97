/*
 * Messages between the page and the Python worker (python.worker.ts). One run at a time per
 * worker; every message about a run carries its id, so output of a run the page has given up
 * on is recognised and ignored.
 */

export type ToWorker = { type: 'run'; id: number; code: string };

export type FromWorker =
  /** the interpreter is loaded and the network is blocked: runs can start */
  | { type: 'ready' }
  /** the interpreter could not be loaded (assets missing, offline before first use, …) */
  | { type: 'load-failed'; message: string }
  | { type: 'output'; id: number; stream: 'stdout' | 'stderr'; text: string }
  /** `result`: str() of the last expression's value, when it has one other than None */
  | { type: 'done'; id: number; result: string | null }
  /** the Python traceback (or the JavaScript error) that ended the run */
  | { type: 'failed'; id: number; error: string };

const STREAMS = new Set(['stdout', 'stderr']);

/** Checks a message from the worker (the code it runs could post anything through a leaked handle). */
export function readFromWorker(data: unknown): FromWorker | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  const isId = typeof m.id === 'number';
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'load-failed':
      return typeof m.message === 'string' ? { type: 'load-failed', message: m.message } : null;
    case 'output':
      return isId && typeof m.text === 'string' && STREAMS.has(m.stream as string)
        ? { type: 'output', id: m.id as number, stream: m.stream as 'stdout' | 'stderr', text: m.text }
        : null;
    case 'done':
      return isId && (typeof m.result === 'string' || m.result === null) ? { type: 'done', id: m.id as number, result: m.result as string | null } : null;
    case 'failed':
      return isId && typeof m.error === 'string' ? { type: 'failed', id: m.id as number, error: m.error } : null;
    default:
      return null;
  }
}
