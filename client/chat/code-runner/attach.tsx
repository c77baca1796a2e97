import { createRoot, type Owner } from 'solid-js';
import { makeBlockRun, type BlockRun } from './block-run.ts';
import { RunButton, RunOutput } from './CodeRunner.tsx';

/*
 * Puts Run (and the output under it) on the Python code blocks the Markdown view rendered.
 * The view owns the blocks' DOM and may replace a block's nodes at any time, so `sync` is
 * called after every paint: it mounts on new Python blocks and unmounts from blocks gone.
 * A block's run state is keyed by its place among the view's code blocks and its code, so a
 * rebuilt block finds its output again.
 */

export interface CodeRunners {
  /** mounts on every Python block of `root` (all of them unmounted when `enabled` is false) */
  sync(root: HTMLElement, enabled: boolean): void;
  /** unmounts everything and stops runs still going (nobody could stop them once unseen) */
  dispose(): void;
}

/** `owner`: the Markdown view's, so the mounted parts read its context (i18n) */
export function makeCodeRunners(owner: Owner | null): CodeRunners {
  const runs = new Map<string, BlockRun>();
  const mounted = new Map<HTMLElement, () => void>();
  const unmount = (block: HTMLElement) => {
    mounted.get(block)?.();
    mounted.delete(block);
  };

  return {
    sync(root, enabled) {
      for (const block of [...mounted.keys()]) if (!enabled || !root.contains(block)) unmount(block);
      if (!enabled) return;
      let ordinal = 0;
      for (const block of root.querySelectorAll<HTMLElement>('.code-block')) {
        ordinal++;
        const code = block.querySelector('code');
        const head = block.querySelector('.code-head');
        if (!code || !head || !code.classList.contains('language-python') || mounted.has(block)) continue;
        const source = code.textContent ?? '';
        const key = `${ordinal}\u0000${source}`;
        let run = runs.get(key);
        if (!run) runs.set(key, (run = makeBlockRun()));
        const r = run;
        const dispose = createRoot((disposeRoot) => {
          const button = (
            <span class="code-run-slot">
              <RunButton run={r} code={source} />
            </span>
          ) as HTMLElement;
          const output = (
            <div class="code-output-slot">
              <RunOutput run={r} />
            </div>
          ) as HTMLElement;
          head.insertBefore(button, head.querySelector('.code-copy'));
          block.append(output);
          return () => {
            button.remove();
            output.remove();
            disposeRoot();
          };
        }, owner ?? undefined);
        mounted.set(block, dispose);
      }
    },
    dispose() {
      for (const block of [...mounted.keys()]) unmount(block);
      for (const r of runs.values()) r.stop();
    },
  };
}
