import { runSandboxed, type SandboxOutcome, type SandboxRequest, type WorkerLike } from '../../shared/tools/sandbox.ts';

/**
 * The sandbox in the browser: a classic Worker from a Blob URL, hardened by its prelude
 * (shared/tools/sandbox.ts), terminated after each call or at the time limit.
 */
export function browserWorker(script: string): WorkerLike {
  const url = URL.createObjectURL(new Blob([script], { type: 'text/javascript' }));
  const w = new Worker(url, { name: 'atelier-user-code' });
  return {
    post: (m) => w.postMessage(m),
    terminate: () => {
      w.terminate();
      URL.revokeObjectURL(url);
    },
    onMessage: (f) => w.addEventListener('message', (e) => f(e.data)),
    onError: (f) =>
      w.addEventListener('error', (e) => {
        e.preventDefault();
        f(e.message || 'error', e.lineno || null);
      }),
  };
}

export function runUserCode(code: string, req: SandboxRequest, timeoutMs?: number): Promise<SandboxOutcome> {
  return runSandboxed(browserWorker, code, req, { timeoutMs });
}
