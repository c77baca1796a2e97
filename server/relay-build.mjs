// How the relay process is run: compiled to one JavaScript file, with the node options below.
// Plain JavaScript so that `npm start` / `npm run relay` (scripts/start.mjs) can use it before
// anything TypeScript is loaded; the benchmark's relay runs the same way (bench/lib/procs.ts).
//
// Why compiled: run through tsx (`node --import tsx server/main.ts`), the relay keeps tsx's
// module-loader thread, a V8 isolate of its own, for its whole life (~24 MB of RSS). esbuild is the compiler tsx itself runs (its dependency), so nothing
// extra is installed; packages stay external (loaded from node_modules as usual) and type
// checking stays with `npm run typecheck`.

import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Node options of the relay process (the benchmark's reference relay gets the same ones).
 * --expose-gc: when its last open account closes, the relay runs one full collection
 * (server/sync/account-hub.ts), so an idle relay gives the memory of that traffic back instead of
 * keeping it until something allocates again (with nothing allocating, V8 never collects).
 * --max-semi-space-size=2 (MB): the relay's short-lived garbage (frame headers, JSON) needs no
 * large young generation; V8's default grows it to 16 MB per semi-space under a pull, RSS the
 * relay then keeps.
 * @type {string[]}
 */
export const RELAY_NODE_OPTIONS = ['--expose-gc', '--max-semi-space-size=2'];

/**
 * Environment the relay process adds to its own (glibc's allocator; ignored elsewhere), so that
 * memory a pull used goes back to the system once it is freed:
 * MALLOC_ARENA_MAX=1: one heap for the main thread and libuv's file threads, instead of one per
 * thread, each keeping its own freed pages.
 * MALLOC_MMAP_THRESHOLD_=131072: blocks of 128 KiB and more (chunk reads, frames) are mapped
 * and unmapped on their own; a fixed value also stops glibc raising its trim threshold.
 * Measured in docs/decisions/2026-12-07-relay-allocator.md. `npm start` and the benchmark (both
 * relays) start with it.
 * @type {Record<string, string>}
 */
export const RELAY_ENV = { MALLOC_ARENA_MAX: '1', MALLOC_MMAP_THRESHOLD_: '131072' };

/**
 * The environment to start the relay with: `base` plus RELAY_ENV where `base` does not set it.
 * @param {NodeJS.ProcessEnv} base
 * @returns {NodeJS.ProcessEnv}
 */
export function relayEnv(base) {
  return { ...RELAY_ENV, ...base };
}

/**
 * Packages the relay process must never load: it stores and forwards ciphertext and has no use
 * for Automerge (a test checks the compiled bundle against this list).
 */
export const FORBIDDEN_IN_RELAY = [/^@automerge\//];

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
