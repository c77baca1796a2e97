/**
 * Small shared pieces of the benchmark harness: timing, statistics, bounded waiting,
 * temp dirs that are always removed, and the shape of a reported figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const now = () => performance.now();

/** Polls `cond` until it is true; throws with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1]!;
}

export function round(x: number, digits = 1): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Temp dirs created by the harness; removed by `removeTempDirs` (run.ts calls it on every exit path). */
const tempDirs = new Set<string>();

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `atelier-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  tempDirs.delete(dir);
}

export function removeTempDirs(): void {
  for (const dir of [...tempDirs]) {
    try {
      removeTempDir(dir);
    } catch {
      /* best effort */
    }
  }
}

/** Cleanups registered by a figure; run last-first even when some fail. */
export class Cleanups {
  readonly #fns: Array<() => unknown> = [];
  add(fn: () => unknown): void {
    this.#fns.push(fn);
  }
  async run(): Promise<void> {
    for (const fn of this.#fns.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        log(`  cleanup failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** One reported figure (one row of the table, one object of latest.json). */
export interface Figure {
  /** stable id, e.g. "sync-latency-p50" */
  name: string;
  /** what it measures, for the table */
  label: string;
  /** null when it could not be measured */
  value: number | null;
  unit: string;
  /** e.g. "<= 110"; null when the issue sets none */
  target: string | null;
  /** whether the target is met (null: no target, or not measured) */
  met: boolean | null;
  /** the reference relay's figure measured in the same run */
  baseline?: number | null;
  /** value / baseline, or the median of `ratioRuns` when the runs were paired */
  ratio?: number | null;
  /** per-run ratios, each of a run made back to back with the baseline's (figures/throughput.ts) */
  ratioRuns?: number[];
  /** target on the ratio, e.g. "<= 1.05" */
  ratioTarget?: string;
  /** per-run values the median was taken from */
  runs?: number[];
  baselineRuns?: number[];
  note?: string;
}

export type Comparison = '<=' | '>=' | '==';

export function check(value: number | null | undefined, op: Comparison, limit: number): boolean | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  if (op === '<=') return value <= limit;
  if (op === '>=') return value >= limit;
  return value === limit;
}

/** Builds a figure with a numeric target. */
export function figure(
  f: Omit<Figure, 'met' | 'target'> & { op?: Comparison; limit?: number; ratioOp?: Comparison; ratioLimit?: number },
): Figure {
  const { op, limit, ratioOp, ratioLimit, ...rest } = f;
  const out: Figure = {
    ...rest,
    target: op !== undefined && limit !== undefined ? `${op} ${limit}` : null,
    met: op !== undefined && limit !== undefined ? check(f.value, op, limit) : null,
  };
  if (f.ratioRuns !== undefined && f.ratioRuns.length > 0) {
    out.ratio = round(median(f.ratioRuns), 3);
  } else if (f.baseline !== undefined && f.value !== null && f.baseline !== null && f.baseline !== 0) {
    out.ratio = round(f.value / f.baseline, 3);
  }
  if (ratioOp !== undefined && ratioLimit !== undefined) {
    out.ratioTarget = `${ratioOp} ${ratioLimit}`;
    const ratioMet = check(out.ratio, ratioOp, ratioLimit);
    // The figure is met only when both the absolute and the ratio target are.
    out.met = out.met === null ? ratioMet : ratioMet === null ? out.met : out.met && ratioMet;
  }
  return out;
}

export interface BenchContext {
  quick: boolean;
  /** prints a progress line (stderr) */
  log: (line: string) => void;
}
