/*
 * User code (tools, filters, actions) runs in a fresh worker per call, built from one
 * classic script: a hardening prelude that removes the page's storage and messaging
 * (IndexedDB, Cache Storage, BroadcastChannel, nested workers, storage managers…) from the
 * global scope and its prototypes, the user's code wrapped in a function, and a small
 * dispatcher. The host enforces a time limit by terminating the worker. Errors come back
 * with the line in the user's code.
 *
 * User module format (plain JavaScript, top-level declarations):
 *   const tools = [{ name, description, parameters: <JSON schema>, run: async (args) => result }];
 *   function inlet(request) { return request; }     // filters
 *   function outlet(message) { return message; }    // filters
 *   function action(message) { return 'text'; }     // actions
 *
 * The same script runs in a browser Worker and in a Node worker_threads Worker (unit tests).
 */

export const BLOCKED_GLOBALS = [
  'indexedDB', 'IDBFactory', 'caches', 'CacheStorage', 'BroadcastChannel', 'SharedWorker', 'Worker', 'importScripts',
  'document', 'window', 'parent', 'top', 'opener', 'localStorage', 'sessionStorage', 'cookieStore', 'StorageManager',
  'FileSystemHandle', 'FileSystemDirectoryHandle', 'webkitRequestFileSystem', 'webkitRequestFileSystemSync', 'requestFileSystem',
  'ServiceWorker', 'ServiceWorkerContainer', 'require', 'module', 'process',
] as const;

const PRELUDE = `"use strict";
var __io = (function () {
  var g = globalThis, post, listen;
  if (typeof WorkerGlobalScope !== 'undefined') {
    var p = g.postMessage.bind(g), add = g.addEventListener.bind(g);
    post = function (m) { p(m); };
    listen = function (f) { add('message', function (e) { f(e.data); }); };
  } else {
    var port = require('node:worker_threads').parentPort;
    post = function (m) { port.postMessage(m); };
    listen = function (f) { port.on('message', f); };
  }
  try { var nav = g.navigator; if (nav) { var np = Object.getPrototypeOf(nav); while (np) { try { delete np.storage; } catch (e) {} np = Object.getPrototypeOf(np); } } } catch (e) {}
  var blocked = ${JSON.stringify(BLOCKED_GLOBALS)};
  for (var i = 0; i < blocked.length; i++) {
    var name = blocked[i], o = g;
    while (o) { try { delete o[name]; } catch (e) {} o = Object.getPrototypeOf(o); }
    try { Object.defineProperty(g, name, { value: undefined, writable: false, configurable: false }); } catch (e) {}
  }
  return { post: post, listen: listen };
})();
var __mod = (function () { "use strict"; try {
`;

const TAIL = `
;return { tools: typeof tools !== 'undefined' ? tools : undefined, inlet: typeof inlet === 'function' ? inlet : undefined, outlet: typeof outlet === 'function' ? outlet : undefined, action: typeof action === 'function' ? action : undefined };
} catch (e) { return { __error: e }; } })();
function __line(e) {
  var s = e && e.stack ? String(e.stack) : '';
  var re = /:(\\d+):\\d+\\)?\\s*$/gm, m;
  while ((m = re.exec(s))) { var n = Number(m[1]) - __OFFSET; if (n >= 1 && n <= __USER_LINES) return n; }
  return null;
}
__io.listen(async function (req) {
  try {
    if (__mod.__error) throw __mod.__error;
    var m = __mod, out;
    var tools = Array.isArray(m.tools) ? m.tools : [];
    if (req.op === 'describe') {
      out = { tools: tools.map(function (t) { return { name: String(t.name), description: String(t.description || ''), parameters: t.parameters || { type: 'object', properties: {} } }; }), inlet: !!m.inlet, outlet: !!m.outlet, action: !!m.action };
    } else if (req.op === 'tool') {
      var t = tools.find(function (x) { return x && x.name === req.name; });
      if (!t || typeof t.run !== 'function') throw new Error('no tool named ' + req.name);
      out = await t.run(req.args || {});
    } else if (req.op === 'inlet') { out = m.inlet ? await m.inlet(req.value) : req.value; }
    else if (req.op === 'outlet') { out = m.outlet ? await m.outlet(req.value) : req.value; }
    else if (req.op === 'action') { if (!m.action) throw new Error('no action function'); out = await m.action(req.value); }
    __io.post({ ok: true, value: out === undefined ? null : JSON.parse(JSON.stringify(out)) });
  } catch (e) {
    __io.post({ ok: false, error: String((e && e.message) || e), line: __line(e) });
  }
});
`;

/** The line of the user's first line in the script (1-based line numbers). */
export const USER_LINE_OFFSET = PRELUDE.split('\n').length - 1;

export function sandboxScript(code: string): string {
  const userLines = code.split('\n').length;
  return PRELUDE + code + TAIL.replace('__OFFSET', String(USER_LINE_OFFSET)).replace('__USER_LINES', String(userLines));
}

/** A script line (from an error event or a stack) → the line in the user's code, or null. */
export function userLine(scriptLine: number | null | undefined, code: string): number | null {
  if (!scriptLine) return null;
  const n = scriptLine - USER_LINE_OFFSET;
  return n >= 1 && n <= code.split('\n').length ? n : null;
}

export type SandboxRequest =
  | { op: 'describe' }
  | { op: 'tool'; name: string; args: Record<string, unknown> }
  | { op: 'inlet' | 'outlet' | 'action'; value: unknown };

export type SandboxOutcome = { ok: true; value: unknown } | { ok: false; error: string; line: number | null; timeout?: boolean };

export interface SandboxDescription {
  tools: Array<{ name: string; description: string; parameters: unknown }>;
  inlet: boolean;
  outlet: boolean;
  action: boolean;
}

/** A worker as the host sees it (browser Worker or Node worker_threads adapter). */
export interface WorkerLike {
  post(message: unknown): void;
  terminate(): void;
  onMessage(f: (data: unknown) => void): void;
  /** a failure outside the dispatcher (syntax error): message and the script line when known */
  onError(f: (message: string, scriptLine: number | null) => void): void;
  /** at the time limit: why the code never answered when it is not the code's fault (its host did not start), else null */
  stalled?(): string | null;
}

export const DEFAULT_TIME_LIMIT_MS = 5000;

/** Calls `expire` once `ms` have passed; returns a cancel function. Injectable so tests can end the time limit themselves. */
export type TimeLimitTimer = (ms: number, expire: () => void) => () => void;

const systemTimer: TimeLimitTimer = (ms, expire) => {
  const t = setTimeout(expire, ms);
  return () => clearTimeout(t);
};

export function runSandboxed(
  create: (script: string) => WorkerLike,
  code: string,
  req: SandboxRequest,
  opts: { timeoutMs?: number; timer?: TimeLimitTimer } = {},
): Promise<SandboxOutcome> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIME_LIMIT_MS;
  const startTimer = opts.timer ?? systemTimer;
  return new Promise((resolve) => {
    let settled = false;
    let w: WorkerLike | null = null;
    const done = (o: SandboxOutcome) => {
      if (settled) return;
      settled = true;
      cancelTimer();
      w?.terminate();
      resolve(o);
    };
    const cancelTimer = startTimer(timeoutMs, () => done({ ok: false, error: w?.stalled?.() ?? `stopped after ${timeoutMs / 1000} s (time limit)`, line: null, timeout: true }));
    try {
      w = create(sandboxScript(code));
    } catch (e) {
      done({ ok: false, error: e instanceof Error ? e.message : String(e), line: null });
      return;
    }
    w.onMessage((data) => {
      const d = data as { ok?: unknown; value?: unknown; error?: unknown; line?: unknown };
      if (d.ok === true) done({ ok: true, value: d.value });
      else done({ ok: false, error: String(d.error ?? 'error'), line: typeof d.line === 'number' ? d.line : null });
    });
    w.onError((message, scriptLine) => done({ ok: false, error: message, line: userLine(scriptLine, code) }));
    w.post(req);
  });
}

/** A tool result as the text sent back to the model. */
export function resultText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}
