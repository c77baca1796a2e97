import type { HighlightReply, HighlightRequest } from './highlight.worker.ts';

/*
 * The page's side of the highlighting worker (created on first use, shared by every view).
 * `highlightInWorker` resolves null whenever highlighting is not available (the worker could not
 * start, crashed, or did not know the language): callers keep showing the plain text.
 */

export interface Highlighted {
  /** the code's chunks (code-chunks.ts `chunkCode`) */
  texts: string[];
  /** highlight.js HTML of each chunk, balanced; still to be sanitised */
  html: string[];
}

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, (r: Highlighted | null) => void>();

function failAll(): void {
  worker?.terminate();
  worker = null;
  for (const resolve of waiting.values()) resolve(null);
  waiting.clear();
}

const makeWorker = (): Worker => new Worker(new URL('./highlight.worker.ts', import.meta.url), { type: 'module' });

function started(): Worker | null {
  if (worker) return worker;
  try {
    worker = makeWorker();
  } catch {
    return null;
  }
  worker.onmessage = (e: MessageEvent<HighlightReply>) => {
    const resolve = waiting.get(e.data.id);
    waiting.delete(e.data.id);
    resolve?.(e.data.ok ? { texts: e.data.texts, html: e.data.html } : null);
  };
  // a worker that failed (its script did not load, or it threw outside a request) answers nothing more
  worker.onerror = () => failAll();
  return worker;
}

export function highlightInWorker(code: string, lang: string): Promise<Highlighted | null> {
  const w = started();
  if (!w) return Promise.resolve(null);
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    w.postMessage({ id, lang, code } satisfies HighlightRequest);
  });
}
