/*
 * What the Python sandbox may not reach, blocked in the worker's global scope before any code
 * of an answer runs. `js.fetch(...)` in Python reads the worker's globals at call time, so
 * replacing them (on the global object and on every prototype it inherits from, where Web IDL
 * puts some of them) is what refuses the network, storage shared with the app, and channels to
 * the app's other tabs. The app's CSP (no 'unsafe-eval') keeps `eval`/`import()` of a remote
 * script out on top of this.
 */

/** network, and the app's own storage and tabs (the worker is same-origin with the app) */
export const BLOCKED_GLOBALS = [
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'WebSocketStream',
  'EventSource',
  'WebTransport',
  'RTCPeerConnection',
  'importScripts',
  'Worker',
  'SharedWorker',
  'BroadcastChannel',
  'indexedDB',
  'caches',
  'eval',
] as const;

/** The message of every refusal: Python shows it inside its JsException. */
export const BLOCKED_MESSAGE = 'Network and storage access is off in the code interpreter';

function refuse(name: string): never {
  throw new Error(`${BLOCKED_MESSAGE}: ${name} is not available.`);
}

/**
 * Replaces each of `names` on `scope` and on its prototypes by a function that throws (calling
 * it or `new` on it), as a non-writable, non-configurable property, so code cannot put the
 * original back. Storage objects (`indexedDB`, `caches`) throw when read.
 * Throws if a name still reaches anything else afterwards: the caller must then run nothing.
 */
export function blockGlobals(scope: object, names: readonly string[] = BLOCKED_GLOBALS): void {
  const chain: object[] = [];
  for (let o: object | null = scope; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) chain.push(o);
  for (const name of names) {
    const blocked = function () {
      refuse(name);
    };
    const read = () => refuse(name);
    const reading = name === 'indexedDB' || name === 'caches';
    const replacement: PropertyDescriptor = reading
      ? { get: read, configurable: false, enumerable: false }
      : { value: blocked, writable: false, configurable: false, enumerable: false };
    for (const o of chain) {
      if (o !== scope && !Object.prototype.hasOwnProperty.call(o, name)) continue;
      try {
        Object.defineProperty(o, name, replacement);
      } catch {
        // a non-configurable original: caught by the check below
      }
      const now = Object.getOwnPropertyDescriptor(o, name);
      if (!now || (reading ? now.get !== read : now.value !== blocked)) throw new Error(`${name} could not be blocked`);
    }
  }
}
