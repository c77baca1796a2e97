/**
 * Giving memory back when the relay falls idle.
 *
 * Once every account has been closed, the documents are garbage, but V8 keeps the heap it grew
 * (and so the RSS) until its own heuristics decide to compact, which on an idle server can be
 * never. One full collection at that moment returns it (measured: a relay idle after syncing
 * 3 × 1,000 documents went from 246 MB to ~150 MB RSS). Automerge's wasm memory cannot shrink
 * (WebAssembly memories only grow): it is bounded by MAX_LOADED_DOCUMENTS while accounts are
 * open, and returned whole by this collection after wasm-renewal.ts swapped the instance.
 *
 * The collector is reached without --expose-gc on the command line (the relay runs under tsx
 * from an npm script): the flag is set at run time and the `gc` function taken from a fresh
 * context, a documented pattern for V8 flags that only add functions.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

/** Runs a full garbage collection; returns false where the runtime does not allow it. */
export function collectGarbage(): boolean {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose_gc');
      const fn: unknown = vm.runInNewContext('gc');
      gc = typeof fn === 'function' ? (fn as () => void) : null;
    } catch {
      gc = null;
    }
  }
  gc?.();
  return gc !== null;
}
