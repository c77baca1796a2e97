import { now, sleep } from './common.ts';

/**
 * Runs each step in a closed loop (the next change once the last was delivered) for `ms`.
 * `sample` is read when the loops start and again the moment they are told to stop (before the
 * changes still in flight settle), so CPU counters cover the timed span only. A step that
 * returns false stalled: its loop ends and is counted.
 */
export async function closedLoops<T>(
  steps: ReadonlyArray<() => Promise<boolean>>,
  ms: number,
  sample: () => T,
): Promise<{ changes: number; seconds: number; stalled: number; before: T; after: T }> {
  let stop = false;
  let changes = 0;
  let stalled = 0;
  const before = sample();
  const t0 = now();
  const loops = steps.map(async (step) => {
    while (!stop) {
      if (!(await step())) {
        stalled++;
        break;
      }
      if (!stop) changes++;
    }
  });
  await sleep(ms);
  stop = true;
  const seconds = (now() - t0) / 1000;
  const after = sample();
  await Promise.all(loops);
  return { changes, seconds, stalled, before, after };
}
