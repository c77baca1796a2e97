/// <reference lib="webworker" />
import type { PyodideAPI } from 'pyodide';
import { blockGlobals } from './sandbox-guard.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

/*
 * Python (Pyodide) for the code interpreter, one dedicated worker per page, started on the first
 * Run. Pyodide's files are the app's own (/pyodide/<version>/, copied by vite.config.ts and kept
 * by the service worker once fetched), so it loads offline after its first use.
 * Before any code of an answer runs, the network, the app's storage and its tabs are blocked
 * (sandbox-guard.ts) and Pyodide's package loading is disabled (micropip is never loaded).
 * Each run gets fresh globals; Stop terminates the whole worker (the page starts a new one).
 */

declare const __PYODIDE_VERSION__: string;

const scope = self as unknown as DedicatedWorkerGlobalScope;
/** kept before the guard: the code that runs cannot post to the page itself */
const post: (m: FromWorker) => void = scope.postMessage.bind(scope);
const addListener = scope.addEventListener.bind(scope);

let running: number | null = null;

const write = (stream: 'stdout' | 'stderr') => (text: string) => {
  if (running !== null) post({ type: 'output', id: running, stream, text: `${text}\n` });
};

function refuseLoading(): never {
  throw new Error('Loading packages is off in the code interpreter (no network).');
}

async function load(): Promise<PyodideAPI> {
  const base = new URL(`/pyodide/${__PYODIDE_VERSION__}/`, scope.location.origin).href;
  const { loadPyodide } = (await import(/* @vite-ignore */ `${base}pyodide.mjs`)) as typeof import('pyodide');
  const py = await loadPyodide({ indexURL: base, stdout: write('stdout'), stderr: write('stderr'), env: { HOME: '/home/pyodide' } });
  py.setStdout({ batched: write('stdout') });
  py.setStderr({ batched: write('stderr') });
  // the `pyodide_js` module Python can import is this same object
  for (const name of ['loadPackage', 'loadPackagesFromImports'] as const) {
    Object.defineProperty(py, name, { value: refuseLoading, writable: false, configurable: false });
  }
  blockGlobals(scope);
  return py;
}

const ready: Promise<PyodideAPI | null> = load().then(
  (py) => {
    post({ type: 'ready' });
    return py;
  },
  (e: unknown) => {
    post({ type: 'load-failed', message: e instanceof Error ? e.message : String(e) });
    return null;
  },
);

/**
 * Runs source in fresh globals. Returns ["ok", repr() of the last expression's value or None],
 * or ["error", the traceback] with only the answer's own frames (not Pyodide's machinery).
 */
const RUN_PY = `
import traceback
from pyodide.code import eval_code_async
async def run(source, scope):
    try:
        value = await eval_code_async(source, scope, filename="<answer>")
    except BaseException as e:
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename != "<answer>":
            tb = tb.tb_next
        return ["error", "".join(traceback.format_exception(type(e), e, tb)).rstrip()]
    return ["ok", None if value is None else repr(value)]
run
`;

interface PyProxyLike {
  destroy(): void;
}
interface PyCallable extends PyProxyLike {
  (...args: unknown[]): unknown;
}
interface PyList extends PyProxyLike {
  toJs(): unknown[];
}

let runner: PyCallable | undefined;

async function run(py: PyodideAPI, id: number, code: string): Promise<void> {
  running = id;
  runner ??= py.runPython(RUN_PY, { globals: py.toPy({}) }) as PyCallable;
  const globals = py.toPy({ __name__: '__main__' }) as PyProxyLike;
  const flush = () => py.runPython('import sys; sys.stdout.flush(); sys.stderr.flush()');
  try {
    const reply = (await runner(code, globals)) as PyList;
    const [kind, text] = reply.toJs() as ['ok' | 'error', string | undefined];
    reply.destroy();
    flush();
    post(kind === 'ok' ? { type: 'done', id, result: text ?? null } : { type: 'failed', id, error: text ?? '' });
  } catch (e) {
    flush();
    post({ type: 'failed', id, error: e instanceof Error ? e.message : String(e) });
  } finally {
    globals.destroy();
    running = null;
  }
}

/** runs one after the other, in the order they were asked for */
let queue: Promise<void> = Promise.resolve();

addListener('message', (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m?.type !== 'run') return;
  queue = queue.then(async () => {
    const py = await ready;
    if (py) await run(py, m.id, m.code);
  });
});
