import { Worker } from 'node:worker_threads';
import type { WorkerLike } from './sandbox.ts';

/** A Node worker_threads adapter for the sandbox host, with fake page globals planted first (on the script's first line, so line numbers hold). */
export function nodeWorker(script: string): WorkerLike {
  const plant = 'globalThis.indexedDB = { open() { return "leak"; } }; globalThis.document = { cookie: "secret" }; ';
  const w = new Worker(plant + script, { eval: true });
  return {
    post: (m) => w.postMessage(m),
    terminate: () => void w.terminate(),
    onMessage: (f) => w.on('message', f),
    onError: (f) =>
      w.on('error', (e: Error) => {
        const m = /\[worker eval\]:(\d+)/.exec(String(e.stack));
        f(e.message, m ? Number(m[1]) : null);
      }),
  };
}
