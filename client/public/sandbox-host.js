// @ts-check
/*
 * The sandbox page's only script (a classic script: a module script from this opaque origin
 * would need CORS). The app frames /sandbox.html with `sandbox="allow-scripts"` and posts one
 * message: the worker script (shared/tools/sandbox.ts) and a MessagePort. This page starts
 * the worker from a blob: URL (it inherits this page's Content-Security-Policy) and relays:
 * port → worker, worker messages and errors → port (after a `started` note, so the app can
 * tell a page that never loaded from code that never answered). The app ends a call by removing the frame.
 */
(function () {
  'use strict';
  var started = false;
  window.addEventListener('message', function (e) {
    if (started || e.source !== window.parent) return;
    var d = e.data;
    var port = e.ports && e.ports[0];
    if (!port || !d || d.type !== 'atelier-sandbox' || typeof d.script !== 'string') return;
    started = true;
    var w;
    try {
      w = new Worker(URL.createObjectURL(new Blob([d.script], { type: 'text/javascript' })), { name: 'atelier-user-code' });
    } catch (err) {
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
    port.postMessage({ kind: 'started' });
    port.onmessage = function (m) {
      w.postMessage(m.data);
    };
  });
})();
