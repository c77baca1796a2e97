/**
 * Security headers sent with every HTTP response of the relay: the app, the JSON API, errors,
 * and refused WebSocket upgrades.
 *
 * Content-Security-Policy, checked against what `vite build` emits (index.html loads one
 * module script and stylesheets by URL, no inline script or style; Solid sets styles through
 * element.style, which CSP does not govern; the Automerge wasm is fetched and compiled, hence
 * 'wasm-unsafe-eval'):
 * - script-src 'self' 'wasm-unsafe-eval' 'sha256-…': only the app's own files, no eval, and one
 *   inline script: the tools' sandbox frame's (shared/tools/sandbox-host.ts), by its hash. That
 *   srcdoc frame inherits this policy and adds its own (no network unless granted).
 * - connect-src 'self' http: https: ws: wss:: the relay itself (fetch and WebSocket, also a
 *   relay on another host after pairing) and the person's own Ollama / OpenAI-compatible
 *   servers, which can be on any host, over http on a LAN.
 * - img-src 'self' data: blob:: icons, pasted/imported images (data: and blob: URLs). Remote
 *   pictures (an https avatar URL from an import, an image in model output) do not load: no
 *   third party learns when a conversation is opened.
 * - frames fall back to default-src 'self': the only one is the tools' sandbox frame, a srcdoc
 *   document (not fetched, so not governed by frame-src).
 * - style-src 'self', worker-src 'self' blob:, object-src 'none', base-uri 'self',
 *   form-action 'self', frame-ancestors 'none' (no clickjacking; X-Frame-Options for old browsers).
 *
 * Referrer-Policy: no-referrer. The app never needs a Referer (the relay does not check one),
 * and pages such as /pair carry a token (in the fragment, which browsers never send, but the
 * path and query of app pages are nobody else's business either): sending nothing is the
 * simplest policy with no downside here.
 *
 * Permissions-Policy: every powerful feature the app does not use is off, for the app and any
 * frame in it (a tool's sandbox frame, a page that manages to get framed content in): camera,
 * microphone, geolocation, sensors, payment, USB/serial/HID/Bluetooth, screen capture, and the
 * interest-cohort / browsing-topics tracking APIs. Clipboard writes (Copy buttons) and
 * fullscreen are left at their defaults ('self').
 *
 * Strict-Transport-Security only over TLS (browsers ignore it on http, and sending it from a
 * plain-http LAN relay would be meaningless); no includeSubDomains, since other services may
 * share the domain.
 */

import { hashSource } from '../shared/tools/sandbox-host.ts';
import { SANDBOX_HOST_SHA256 } from './sandbox-host-hash.ts';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashSource(SANDBOX_HOST_SHA256)}`,
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self' http: https: ws: wss:",
  "worker-src 'self' blob:",
  "manifest-src 'self'",
  "media-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Features switched off (empty allowlist) on every response. */
export const DISABLED_FEATURES = [
  'accelerometer',
  'ambient-light-sensor',
  'autoplay',
  'bluetooth',
  'browsing-topics',
  'camera',
  'display-capture',
  'encrypted-media',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'interest-cohort',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'publickey-credentials-get',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
] as const;

export const PERMISSIONS_POLICY = DISABLED_FEATURES.map((f) => `${f}=()`).join(', ');

export const HSTS_VALUE = 'max-age=31536000';

export function securityHeaders(tls: boolean): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Permissions-Policy': PERMISSIONS_POLICY,
    // same-origin-allow-popups, not same-origin: a tab the app opens (Share to Open WebUI
    // community) keeps its `opener`, the only channel that page has to ask for the model.
    // Other pages still cannot reach this one's window.
    'Cross-Origin-Opener-Policy': 'same-origin-allow-popups',
  };
  if (tls) headers['Strict-Transport-Security'] = HSTS_VALUE;
  return headers;
}
