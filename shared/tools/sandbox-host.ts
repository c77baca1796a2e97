/*
 * The tools' sandbox frame: an `<iframe sandbox="allow-scripts" srcdoc=…>` (opaque origin: no
 * cookies, IndexedDB, localStorage or DOM of the app) built in the page, so it needs no network
 * to load and works offline. Its document inherits the app's Content-Security-Policy and adds
 * its own through a <meta>; both are enforced, so the stricter wins on every directive:
 * connect-src is what the meta names (nothing, or the origins granted to the tool), and its
 * only script runs because the app's script-src and the meta both list that script's hash
 * (no 'unsafe-inline'). Workers the frame starts from blob: URLs inherit both policies.
 *
 * Protocol: the app posts `{ type: 'atelier-sandbox', script }` with a MessagePort, once per
 * call. The frame starts a worker for that script and relays: port → worker (`{ kind: 'post',
 * data }`), worker messages and errors → port, after `{ kind: 'started' }`; `{ kind: 'end' }`
 * terminates the worker (the frame stays for the next call).
 */

/** The frame's only script. Classic ES5, no `</script>`; its exact text is hashed into both policies. */
export const SANDBOX_HOST_SCRIPT = `(function () {
  'use strict';
  window.addEventListener('message', function (e) {
    if (e.source !== window.parent) return;
    var d = e.data;
    var port = e.ports && e.ports[0];
    if (!port || !d || d.type !== 'atelier-sandbox' || typeof d.script !== 'string') return;
    var url = URL.createObjectURL(new Blob([d.script], { type: 'text/javascript' }));
    var w;
    try {
      w = new Worker(url, { name: 'atelier-user-code' });
    } catch (err) {
      URL.revokeObjectURL(url);
      port.postMessage({ kind: 'error', message: String((err && err.message) || err), line: null });
      return;
    }
    w.addEventListener('message', function (m) {
      port.postMessage({ kind: 'message', data: m.data });
    });
    w.addEventListener('error', function (ev) {
      ev.preventDefault();
      port.postMessage({ kind: 'error', message: ev.message || 'error', line: ev.lineno || null });
    });
    port.onmessage = function (m) {
      var c = m.data;
      if (c && c.kind === 'post') w.postMessage(c.data);
      else if (c && c.kind === 'end') {
        w.terminate();
        URL.revokeObjectURL(url);
        port.close();
      }
    };
    port.postMessage({ kind: 'started' });
  });
})();`;

/** `'sha256-…'` for a script-src, from the base64 SHA-256 of SANDBOX_HOST_SCRIPT. */
export function hashSource(sha256Base64: string): string {
  return `'sha256-${sha256Base64}'`;
}

/**
 * The frame's own policy. `connect` lists the connect-src sources (empty = none); the worker
 * the frame starts inherits it, so it governs fetch, XMLHttpRequest, WebSocket, EventSource and
 * sendBeacon of the user's code, and script-src (hash only) its importScripts and eval.
 */
export function sandboxFramePolicy(connect: readonly string[], sha256Base64: string): string {
  return [
    "default-src 'none'",
    `script-src ${hashSource(sha256Base64)}`,
    'worker-src blob:',
    `connect-src ${connect.length > 0 ? connect.join(' ') : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The frame's whole document, for its `srcdoc`. */
export function sandboxSrcdoc(connect: readonly string[], sha256Base64: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(sandboxFramePolicy(connect, sha256Base64))}">` +
    `<script>${SANDBOX_HOST_SCRIPT}</script></head><body></body></html>`
  );
}
