/**
 * CORS and Host checks exactly as Ollama does them: gin-contrib/cors configured in
 * server/routes.go (AllowWildcard, AllowBrowserExtensions, the header list below,
 * DefaultConfig methods and 12 h max age), origins from envconfig.AllowedOrigins(),
 * then allowedHostsMiddleware.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { sendEmpty } from './gojson.ts';

/** envconfig.AllowedOrigins() without OLLAMA_ORIGINS. */
export function ollamaDefaultOrigins(): string[] {
  const out: string[] = [];
  for (const h of ['localhost', '127.0.0.1', '0.0.0.0']) {
    out.push(`http://${h}`, `https://${h}`, `http://${h}:*`, `https://${h}:*`);
  }
  out.push('app://*', 'file://*', 'tauri://*', 'vscode-webview://*', 'vscode-file://*');
  return out;
}

const ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'User-Agent',
  'Accept',
  'X-Requested-With',
  'OpenAI-Beta',
  'x-stainless-arch',
  'x-stainless-async',
  'x-stainless-custom-poll-interval',
  'x-stainless-helper-method',
  'x-stainless-lang',
  'x-stainless-os',
  'x-stainless-package-version',
  'x-stainless-poll-helper',
  'x-stainless-retry-count',
  'x-stainless-runtime',
  'x-stainless-runtime-version',
  'x-stainless-timeout',
];

/** Go's http.CanonicalHeaderKey for ASCII tokens. */
function canonicalHeaderKey(h: string): string {
  return h
    .toLowerCase()
    .split('-')
    .map((p) => (p ? p[0]!.toUpperCase() + p.slice(1) : p))
    .join('-');
}

/** gin-contrib normalises (trim, lower-case, dedupe) then canonicalises. */
export const ACCESS_CONTROL_ALLOW_HEADERS = [...new Set(ALLOW_HEADERS.map((h) => h.trim().toLowerCase()))]
  .map(canonicalHeaderKey)
  .join(',');
export const ACCESS_CONTROL_ALLOW_METHODS = 'GET,POST,PUT,PATCH,DELETE,HEAD';
export const ACCESS_CONTROL_MAX_AGE = '43200';

export class OriginPolicy {
  private allowAll = false;
  private exact: string[] = [];
  private wildcards: Array<[string, string]> = [];

  constructor(origins: string[], defaults: boolean) {
    this.set(origins, defaults);
  }

  set(origins: string[], defaults: boolean): void {
    const all = [...origins.map((o) => o.trim()).filter(Boolean), ...(defaults ? ollamaDefaultOrigins() : [])];
    this.allowAll = all.includes('*');
    this.exact = [...new Set(all.map((o) => o.toLowerCase()))];
    // parseWildcardRules, including its quirk: for a trailing `*` the character before it
    // is dropped too, so `http://localhost:*` is the prefix `http://localhost`.
    this.wildcards = [];
    for (const o of all) {
      const i = o.indexOf('*');
      if (i < 0) continue;
      if (o.indexOf('*', i + 1) >= 0) throw new Error(`only one * is allowed: ${o}`);
      if (i === 0) this.wildcards.push(['*', o.slice(1)]);
      else if (i === o.length - 1) this.wildcards.push([o.slice(0, i - 1), '*']);
      else this.wildcards.push([o.slice(0, i), o.slice(i + 1)]);
    }
  }

  get allowsAll(): boolean {
    return this.allowAll;
  }

  allows(origin: string): boolean {
    if (this.allowAll) return true;
    if (this.exact.includes(origin)) return true;
    for (const [pre, suf] of this.wildcards) {
      if (pre === '*' && origin.endsWith(suf)) return true;
      if (suf === '*' && origin.startsWith(pre)) return true;
      if (origin.startsWith(pre) && origin.endsWith(suf)) return true;
    }
    return false;
  }
}

/**
 * gin-contrib/cors applyCors. Returns true when the response was already sent
 * (403 for a refused origin, 204 for an allowed OPTIONS).
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, policy: OriginPolicy): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  const host = req.headers.host ?? '';
  if (origin === `http://${host}` || origin === `https://${host}`) return false; // same origin
  if (!policy.allows(origin)) {
    sendEmpty(res, 403);
    return true;
  }
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Headers', ACCESS_CONTROL_ALLOW_HEADERS);
    res.setHeader('Access-Control-Allow-Methods', ACCESS_CONTROL_ALLOW_METHODS);
    res.setHeader('Access-Control-Max-Age', ACCESS_CONTROL_MAX_AGE);
    if (policy.allowsAll) res.setHeader('Access-Control-Allow-Origin', '*');
    else {
      res.setHeader('Vary', ['Origin', 'Access-Control-Request-Method', 'Access-Control-Request-Headers']);
      res.setHeader('Access-Control-Allow-Origin', origin);
    }
    sendEmpty(res, 204);
    return true;
  }
  if (policy.allowsAll) res.setHeader('Access-Control-Allow-Origin', '*');
  else {
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Origin', origin);
  }
  return false;
}

function isLoopbackOrPrivateIp(host: string): boolean {
  const v = isIP(host);
  if (v === 4) {
    const [a, b] = host.split('.').map(Number) as [number, number];
    return host === '0.0.0.0' || a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  if (v === 6) {
    const h = host.toLowerCase();
    return h === '::1' || h === '::' || h.startsWith('fc') || h.startsWith('fd');
  }
  return false;
}

function allowedHostName(host: string): boolean {
  host = host.toLowerCase();
  if (host === '' || host === 'localhost') return true;
  if (host === osHostname().toLowerCase()) return true;
  return ['localhost', 'local', 'internal'].some((tld) => host.endsWith('.' + tld));
}

function splitHostPort(hostHeader: string): string {
  if (hostHeader.startsWith('[')) {
    const end = hostHeader.indexOf(']');
    return end > 0 ? hostHeader.slice(1, end) : hostHeader;
  }
  const i = hostHeader.lastIndexOf(':');
  return i >= 0 && hostHeader.indexOf(':') === i ? hostHeader.slice(0, i) : hostHeader;
}

/**
 * allowedHostsMiddleware: when Ollama listens on loopback, a request whose Host is not
 * a local name or a loopback/private IP gets 403 (the classic reverse-proxy mistake).
 * Returns true when the response was sent.
 */
export function applyHostCheck(req: IncomingMessage, res: ServerResponse, listeningOnLoopback: boolean): boolean {
  if (!listeningOnLoopback) return false;
  const host = splitHostPort(req.headers.host ?? '');
  if (isIP(host) && isLoopbackOrPrivateIp(host)) return false;
  if (allowedHostName(host)) {
    if (req.method === 'OPTIONS') {
      sendEmpty(res, 204);
      return true;
    }
    return false;
  }
  sendEmpty(res, 403);
  return true;
}
