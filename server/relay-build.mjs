// How the relay process is run: compiled to one JavaScript file, with the node options below.
// Plain JavaScript so that `npm start` / `npm run relay` (scripts/start.mjs) can use it before
// anything TypeScript is loaded; the benchmark's relay runs the same way (bench/lib/procs.ts).
//
// Why compiled: run through tsx (`node --import tsx server/main.ts`), the relay keeps tsx's
// module-loader thread, a V8 isolate of its own, for its whole life: 104 MB RSS at start against
// 80 MB for the same code compiled (measured, idle relay, no account open), out of a 120 MB
// target for an idle relay. esbuild is the compiler tsx itself runs (its dependency), so nothing
// extra is installed; packages stay external (loaded from node_modules as usual) and type
// checking stays with `npm run typecheck`.
//
// No --max-semi-space-size: a 2 MB young generation held ~10% less wasm memory at the peak of the
// relay-memory run (135–147 MB against 165 MB, 3,000 documents), but doubled the relay's garbage
// collection time in the throughput run (845 ms against 390 ms for the baseline's 16 MB default,
// 12% of its busy time), and throughput is the figure with a hard ratio to meet.
import { createRequire } from 'node:module';
import path from 'node:path';

/** Node options of the relay process. @type {string[]} */
export const RELAY_NODE_OPTIONS = [];

/**
 * Environment of the relay process: glibc malloc tuning. By default glibc raises its mmap
 * threshold each time a large block is freed, so later large blocks (sync messages, documents
 * being loaded) come from the heap and arenas instead, where freed memory mostly stays mapped;
 * fixed thresholds keep blocks over 128 KB in their own mappings, returned when freed, and trim
 * the heap's top beyond 128 KB. Measured (10 accounts × 2,000 documents): idle RSS 135 MB with
 * glibc's defaults, 105 MB with MALLOC_ARENA_MAX=2 (the previous setting, which also cost ~10% of
 * CPU per change and ~1.5 ms of sync latency through lock contention), 99 MB with these.
 * Ignored by other C libraries; a value already in the environment wins.
 * @type {Record<string, string>}
 */
export const RELAY_ENV = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' };

/**
 * The environment to start the relay with: `base` plus RELAY_ENV where `base` does not set it.
 * @param {NodeJS.ProcessEnv} base
 * @returns {NodeJS.ProcessEnv}
 */
export function relayEnv(base) {
  return { ...RELAY_ENV, ...base };
}

/**
 * Compiles server/main.ts (with what it imports from server/ and shared/) into `outfile`,
 * by default node_modules/.cache/atelier/relay.mjs (inside the project, so that the packages it
 * imports resolve from node_modules). Returns the file's path. `entry` (default server/main.ts) lets
 * the benchmark build its reference relay exactly the same way.
 * @param {string} root the project's folder
 * @param {string} [outfile]
 * @param {string} [entry]
 * @returns {Promise<string>}
 */
export async function compileRelay(root, outfile = path.join(root, 'node_modules', '.cache', 'atelier', 'relay.mjs'), entry = path.join(root, 'server', 'main.ts')) {
  const fromRoot = createRequire(path.join(root, 'package.json'));
  const fromTsx = createRequire(fromRoot.resolve('tsx/package.json'));
  /** @type {typeof import('esbuild')} */
  const esbuild = fromTsx('esbuild');
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return outfile;
}
