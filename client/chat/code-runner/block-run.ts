import { batch, createSignal, type Accessor } from 'solid-js';
import { runPython, type PythonRun } from './runner.ts';

/*
 * One code block's run: its state and output, kept apart from the block's DOM (which the
 * Markdown view rebuilds when, say, a highlighting language arrives) so a rebuilt block shows
 * the same output.
 */

export type RunStatus = 'idle' | 'loading' | 'running' | 'done' | 'failed' | 'stopped' | 'load-failed';

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface BlockRun {
  status: Accessor<RunStatus>;
  output: Accessor<readonly OutputChunk[]>;
  /** repr() of the last expression, when the code ended with one */
  result: Accessor<string | null>;
  /** the traceback, or why Python could not be loaded */
  error: Accessor<string | null>;
  run(code: string): void;
  stop(): void;
}

export const isActive = (s: RunStatus): boolean => s === 'loading' || s === 'running';

/** Adds text to the output, joining it to the last chunk of the same stream (one node per stretch). */
export function appendOutput(chunks: readonly OutputChunk[], stream: OutputChunk['stream'], text: string): OutputChunk[] {
  const last = chunks.at(-1);
  if (last?.stream === stream) return [...chunks.slice(0, -1), { stream, text: last.text + text }];
  return [...chunks, { stream, text }];
}

export function makeBlockRun(): BlockRun {
  const [status, setStatus] = createSignal<RunStatus>('idle');
  const [output, setOutput] = createSignal<readonly OutputChunk[]>([]);
  const [result, setResult] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  /** the run this block shows; callbacks of an older one are ignored (they may fire before runPython returns) */
  let current: { run: PythonRun | null } | null = null;

  return {
    status,
    output,
    result,
    error,
    run(code) {
      if (isActive(status())) return;
      batch(() => {
        setOutput([]);
        setResult(null);
        setError(null);
        setStatus('loading');
      });
      const mine: { run: PythonRun | null } = { run: null };
      current = mine;
      const r = runPython(code, {
        onReady: () => {
          if (current === mine) setStatus('running');
        },
        onOutput: (stream, text) => {
          if (current === mine) setOutput((o) => appendOutput(o, stream, text));
        },
      });
      mine.run = r;
      void r.outcome.then((o) => {
        if (current !== mine) return;
        current = null;
        batch(() => {
          switch (o.kind) {
            case 'done':
              setResult(o.result);
              setStatus('done');
              return;
            case 'failed':
              setError(o.error);
              setStatus('failed');
              return;
            case 'load-failed':
              setError(o.message);
              setStatus('load-failed');
              return;
            case 'stopped':
              setStatus('stopped');
          }
        });
      });
    },
    stop() {
      current?.run?.stop();
    },
  };
}
