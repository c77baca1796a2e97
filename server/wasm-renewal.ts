/**
 * Giving Automerge's wasm memory back to the system when the relay falls idle.
 *
 * A WebAssembly memory only grows: after a busy hour the relay would keep the wasm heap of its
 * busiest moment for good (measured: 213 MB of wasm memory, with 14 MB of JS heap in use, in
 * a relay idle after the relay-memory benchmark). Automerge lets the program swap the wasm module
 * it calls (`use`), so once every account is closed the relay switches to a fresh instance of
 * the module; the old instance, memory included, is garbage as soon as nothing refers to its
 * documents, and the next full collection returns it.
 *
 * Only sound when no document or sync state of the old instance is used again: a document
 * keeps calling the instance that made it, and mixing it with a sync state of the new instance
 * throws (wasm-bindgen checks classes; it does not corrupt). So renewal is process-wide and
 * opt-in (the relay's entry point, where one relay runs: not tests running several relays in one
 * process), and only done with no account open (account-repos.ts).
 *
 * The instance Automerge loads itself is pinned by its module namespace forever: the relay
 * switches away from it at start, so it never grows past its initial size.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { next as A } from '@automerge/automerge';
import { collectGarbage } from './memory.ts';

type WasmApi = Parameters<typeof A.use>[0];

let enabled = false;

/** The wasm-bindgen module @automerge/automerge's Node entry point loads (3.x layout), or null. */
function bindingsPath(): string | null {
  try {
    const cjsEntry = createRequire(import.meta.url).resolve('@automerge/automerge');
    const file = path.join(path.dirname(cjsEntry), '..', 'mjs', 'wasm_bindgen_output', 'nodejs', 'automerge_wasm.cjs');
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/** Loads a new instance of the wasm module and makes Automerge use it for everything created from now on. */
function renew(): boolean {
  const file = bindingsPath();
  if (!file) return false;
  const load = createRequire(file);
  // Not cached: the module instance must be reachable only through what Automerge holds.
  delete load.cache[file];
  const api = load(file) as WasmApi;
  delete load.cache[file];
  A.use(api);
  return true;
}

/** Opts this process in (call once, before any document is loaded); switches to a fresh instance at once. */
export function enableWasmRenewal(): boolean {
  enabled = renew();
  return enabled;
}

/**
 * Full collections after a renewal, ms after it. The old instance is freed by the first one after
 * the closed Repos' last timers (socket close grace, throttled saves) let go of its documents;
 * an idle process would otherwise not collect for a long time (V8 collects on allocation).
 */
const COLLECT_AFTER_MS = [1_000, 3_000, 6_000, 15_000];

/** With no document of the current instance in use any more: switches to a fresh one. Returns whether it did. */
export function renewWasmIfEnabled(): boolean {
  if (!enabled || !renew()) return false;
  for (const ms of COLLECT_AFTER_MS) setTimeout(() => collectGarbage(), ms).unref();
  return true;
}
