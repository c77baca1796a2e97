// Over 400 lines on purpose: the ONE place (below) where the Diagnosis union, the error classes, the endpoint prechecks and the decision tree are read together.
/**
 * The ONE place that turns a failed Ollama call into a diagnosis for the person.
 *
 * Pure: no DOM, no fetch. The client gathers the facts (what ollama-js threw, the result of a
 * `fetch(endpoint, {mode: 'no-cors'})` probe after a TypeError, the Local Network Access
 * permission state, Safari or not, the body of `GET /`) and translates the returned code into
 * English or French; nothing here is user-facing prose.
 *
 * Background (docs/reference/ollama-wire-format.md, "CORS and Host"):
 * - A refused CORS origin, a refused connection, mixed content and a blocked local-network
 *   request all surface in the browser as the same `TypeError`; only the probe and the context
 *   tell them apart. A `no-cors` probe that resolves means the server answered → CORS refused.
 * - An https page may call http://localhost, http://127.x.x.x and http://[::1] (potentially
 *   trustworthy) but no other http URL (mixed content); Safari refuses even those.
 * - Chrome 142+ asks permission (Local Network Access) when a public page calls a private or
 *   loopback address, or a private page calls loopback.
 */
import { displayModelName } from './pull-name.ts';

export type LnaState = 'prompt' | 'denied' | 'granted' | 'unknown';

export interface BrowserFacts {
  safari?: boolean;
  /** navigator.permissions.query({name: 'local-network-access'}) where supported. */
  chromeLna?: LnaState;
}

export type OllamaOperation = 'chat' | 'generate' | 'pull' | 'list' | 'show' | 'embed' | 'delete' | 'version' | 'other';

export interface DiagnoseFacts {
  /** location.origin of the app, e.g. "https://atelier.example.com". */
  appOrigin: string;
  /** The Ollama endpoint as configured, e.g. "http://localhost:11434". */
  endpoint: string;
  /** What ollama-js threw (or undefined when the call succeeded). */
  error: unknown;
  /** fetch(endpoint, {mode: 'no-cors'}) after a TypeError: reachable = the server answered, so CORS refused. */
  probe?: 'reachable' | 'unreachable' | 'skipped';
  browser?: BrowserFacts;
  /** Body of GET / when it could be read (CORS allowed). */
  rootText?: string;
  /** The model the call was about (chat, show, pull, embed). */
  model?: string;
  operation?: OllamaOperation;
  /** True when part of the stream had already arrived before the failure. */
  streamStarted?: boolean;
}

export type BadUrlReason =
  | 'empty'
  | 'unparsable'
  | 'unsupported-scheme'
  | 'credentials'
  | 'unspecified-address'
  | 'api-path'
  | 'path';

export type UnsupportedFeature = 'chat' | 'generate' | 'tools' | 'thinking' | 'vision' | 'insert' | 'embedding' | 'completion';

export type Diagnosis =
  | { code: 'ok' }
  /** The endpoint URL cannot work. */
  | { code: 'bad-url'; reason: BadUrlReason; endpoint: string }
  /** https app calling a plain-http, non-loopback endpoint: the browser blocks it. */
  | { code: 'mixed-content'; endpoint: string; appOrigin: string }
  /** Safari blocks any http endpoint (even localhost) from an https page. */
  | { code: 'safari-https-http'; endpoint: string }
  /** Chrome's Local Network Access permission is not granted (prompt dismissed, or denied). */
  | { code: 'local-network-access'; state: 'prompt' | 'denied'; endpoint: string }
  /** Ollama answered but refused the origin: start it with OLLAMA_ORIGINS=<origin>. */
  | { code: 'cors'; origin: string; endpoint: string }
  /** Nothing answers at the endpoint. `remote`: the endpoint is not loopback (Ollama may listen on 127.0.0.1 only: OLLAMA_HOST=0.0.0.0). */
  | { code: 'server-down'; endpoint: string; remote: boolean }
  /** A network failure without a probe: either the server is down or CORS refused the origin. */
  | { code: 'unreachable'; endpoint: string; origin: string; remote: boolean }
  /** 403 that passed CORS: Ollama refused the Host header (a reverse proxy must send Host: localhost:11434). */
  | { code: 'forbidden-host'; endpoint: string }
  /** 502/504 from a reverse proxy: the Ollama behind it does not answer. */
  | { code: 'bad-gateway'; status: number; endpoint: string }
  /** Something answers, but it is not Ollama. */
  | { code: 'not-ollama'; endpoint: string }
  /** `local`: not installed (pull it); `registry`: no such model to pull. */
  | { code: 'model-not-found'; model: string; where: 'local' | 'registry' }
  | { code: 'invalid-model-name'; model: string }
  /** The model lacks a capability the request needs (turn thinking/tools off, pick a vision model…). */
  | { code: 'unsupported'; model: string; feature: UnsupportedFeature }
  /** 503: Ollama's queue is full. */
  | { code: 'busy'; message: string }
  /** retrieval needs an embedding model and Ollama has none installed or chosen */
  | { code: 'no-embedding-model' }
  | { code: 'http'; status: number; message: string }
  /** An `{"error"}` line inside a stream. */
  | { code: 'stream-error'; message: string }
  /** The connection broke while a stream was arriving. */
  | { code: 'connection-lost'; endpoint: string }
  | { code: 'aborted' }
  | { code: 'timeout'; endpoint: string }
  | { code: 'unknown'; message: string }
  /** OpenAI-compatible endpoints (shared/openai/errors.ts): 401/403, the API key was refused. */
  | { code: 'bad-key'; endpoint: string; status: number; message: string }
  /** 429: too many requests, or the account's quota is used up. */
  | { code: 'rate-limited'; endpoint: string; message: string; retryAfterSeconds?: number }
  /** An OpenAI-compatible server answered but refuses this app's origin (CORS). */
  | { code: 'endpoint-cors'; origin: string; endpoint: string }
  /** Nothing answers at an OpenAI-compatible base URL. */
  | { code: 'endpoint-down'; endpoint: string }
  /** An OpenAI-compatible endpoint answered with an error (JSON `error.message`, HTTP status). */
  | { code: 'endpoint-http'; endpoint: string; status: number; message: string }
  /** The model is not served by this OpenAI-compatible endpoint (404). */
  | { code: 'endpoint-model-not-found'; endpoint: string; model: string; message: string }
  /** An `{"error"}` event inside an OpenAI-compatible stream. */
  | { code: 'endpoint-stream-error'; endpoint: string; message: string }
  /** The connection to an OpenAI-compatible endpoint broke while the answer was arriving. */
  | { code: 'endpoint-connection-lost'; endpoint: string }
  /** An OpenAI-compatible endpoint did not answer in time. */
  | { code: 'endpoint-timeout'; endpoint: string };

export type DiagnosisCode = Diagnosis['code'];

/** Every code, for i18n completeness checks. */
export const DIAGNOSIS_CODES = [
  'ok',
  'bad-url',
  'mixed-content',
  'safari-https-http',
  'local-network-access',
  'cors',
  'server-down',
  'unreachable',
  'forbidden-host',
  'bad-gateway',
  'not-ollama',
  'model-not-found',
  'invalid-model-name',
  'unsupported',
  'busy',
  'no-embedding-model',
  'http',
  'stream-error',
  'connection-lost',
  'aborted',
  'timeout',
  'unknown',
  'bad-key',
  'rate-limited',
  'endpoint-cors',
  'endpoint-down',
  'endpoint-http',
  'endpoint-model-not-found',
  'endpoint-stream-error',
  'endpoint-connection-lost',
  'endpoint-timeout',
] as const satisfies readonly DiagnosisCode[];

// ---------------------------------------------------------------------------------------------
// Error classification

export type OllamaErrorClass = 'response' | 'network' | 'abort' | 'timeout' | 'stream' | 'invalid-response' | 'unknown';

interface ResponseErrorLike {
  name: 'ResponseError';
  status_code: number;
  message: string;
  error?: string;
}

function prop(o: unknown, k: string): unknown {
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined;
}

function errName(e: unknown): string | undefined {
  const n = prop(e, 'name');
  return typeof n === 'string' ? n : undefined;
}

function errMessage(e: unknown): string {
  if (typeof e === 'string') return e;
  const m = prop(e, 'message');
  return typeof m === 'string' ? m : String(e);
}

function isResponseError(e: unknown): e is ResponseErrorLike {
  return errName(e) === 'ResponseError' && typeof prop(e, 'status_code') === 'number';
}

/** TypeErrors that are programming mistakes, not network failures. */
const BUG_TYPE_ERROR = /is not a function|is not iterable|cannot read propert|cannot set propert|undefined is not|null is not|is not a constructor|invalid url/i;

/**
 * What kind of failure ollama-js reported:
 * - `response`: non-2xx answer (ResponseError, `err.name === 'ResponseError'`, `status_code`)
 * - `network`: fetch failed (TypeError: CORS, refused connection, mixed content, LNA, cut stream)
 * - `abort`: the call was aborted (AbortError) — `timeout` for AbortSignal.timeout (TimeoutError)
 * - `stream`: a plain Error from the stream (an `{"error"}` line, or a stream without done)
 * - `invalid-response`: the body was not JSON (SyntaxError): not an Ollama answering
 */
export function classifyOllamaError(error: unknown): OllamaErrorClass {
  if (isResponseError(error)) return 'response';
  const name = errName(error);
  if (name === 'AbortError') return 'abort';
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'SyntaxError') return 'invalid-response';
  if (name === 'TypeError') return BUG_TYPE_ERROR.test(errMessage(error)) ? 'unknown' : 'network';
  if (error instanceof Error && name === 'Error') return 'stream';
  return 'unknown';
}

// ---------------------------------------------------------------------------------------------
// Addresses

export type AddressSpace = 'loopback' | 'private' | 'public' | 'unspecified';

function ipv4Space(h: string): AddressSpace | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (!m) return null;
  const [a, b] = [Number(m[1]), Number(m[2])];
  if (h === '0.0.0.0') return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) {
    return 'private';
  }
  return 'public';
}

/** Address space of a URL hostname (as `new URL().hostname` gives it: IPv6 in brackets). */
export function addressSpace(hostname: string): AddressSpace {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return 'loopback';
  const v4 = ipv4Space(h);
  if (v4) return v4;
  if (h.startsWith('[') && h.endsWith(']')) {
    const v6 = h.slice(1, -1);
    if (v6 === '::1') return 'loopback';
    if (v6 === '::') return 'unspecified';
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
    if (mapped) return ipv4Space(mapped[1]!) ?? 'public';
    if (/^f[cd]/.test(v6) || /^fe[89ab]/.test(v6)) return 'private';
    return 'public';
  }
  if (h.endsWith('.local') || h.endsWith('.internal') || h.endsWith('.lan') || h.endsWith('.home.arpa')) return 'private';
  return 'public';
}

const SPACE_RANK: Record<AddressSpace, number> = { public: 0, private: 1, loopback: 2, unspecified: 2 };

function parseUrl(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

/**
 * The endpoint as ollama-js will use it (its formatHost): without a scheme, `http://` and port
 * 11434 are added ("localhost" → "http://localhost:11434"). Returns null when unparsable.
 */
export function normalizeEndpoint(endpoint: string): string | null {
  let s = endpoint.trim();
  if (s === '') return null;
  if (s.startsWith(':')) s = `http://127.0.0.1${s}`;
  else if (!s.includes('://')) {
    const u = parseUrl(`http://${s}`);
    if (!u) return null;
    if (!u.port) u.port = '11434';
    return u.href.replace(/\/$/, '');
  }
  const u = parseUrl(s);
  return u ? u.href.replace(/\/$/, '') : null;
}

/** Would Chrome's Local Network Access ask permission for this call? */
export function localNetworkAccessApplies(appOrigin: string, endpoint: string): boolean {
  const app = parseUrl(appOrigin);
  const ep = parseUrl(normalizeEndpoint(endpoint) ?? '');
  if (!app || !ep) return false;
  const from = addressSpace(app.hostname);
  const to = addressSpace(ep.hostname);
  if (to === 'public' || to === 'unspecified') return false;
  return SPACE_RANK[to] > SPACE_RANK[from];
}

/** http://localhost, *.localhost, 127.x.x.x and [::1] may be called from https pages (not in Safari). */
function potentiallyTrustworthy(u: URL): boolean {
  return u.protocol === 'https:' || addressSpace(u.hostname) === 'loopback';
}

function isRemote(endpoint: string): boolean {
  const u = parseUrl(normalizeEndpoint(endpoint) ?? '');
  return !u || addressSpace(u.hostname) !== 'loopback';
}

function originOf(appOrigin: string): string {
  const u = parseUrl(appOrigin);
  return u && u.origin !== 'null' ? u.origin : appOrigin;
}

// ---------------------------------------------------------------------------------------------
// Before any request

/**
 * Problems visible from the URLs alone, before any request: a wrong URL, mixed content,
 * Safari's https→http block. Returns `{code: 'ok'}` when nothing is wrong on paper.
 */
export function precheckEndpoint(appOrigin: string, endpoint: string, browser: BrowserFacts = {}): Diagnosis {
  const raw = endpoint.trim();
  if (raw === '') return { code: 'bad-url', reason: 'empty', endpoint };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && !/^https?:\/\//i.test(raw)) {
    return { code: 'bad-url', reason: 'unsupported-scheme', endpoint };
  }
  const norm = normalizeEndpoint(raw);
  const u = norm ? parseUrl(norm) : null;
  if (!u || !u.hostname) return { code: 'bad-url', reason: 'unparsable', endpoint };
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { code: 'bad-url', reason: 'unsupported-scheme', endpoint };
  if (u.username || u.password) return { code: 'bad-url', reason: 'credentials', endpoint };
  if (addressSpace(u.hostname) === 'unspecified') return { code: 'bad-url', reason: 'unspecified-address', endpoint };
  if (/(^|\/)api(\/.*)?$/.test(u.pathname.replace(/\/+$/, '').replace(/^\//, ''))) {
    return { code: 'bad-url', reason: 'api-path', endpoint };
  }

  const app = parseUrl(appOrigin);
  if (app?.protocol === 'https:' && u.protocol === 'http:') {
    if (browser.safari) return { code: 'safari-https-http', endpoint };
    if (!potentiallyTrustworthy(u)) return { code: 'mixed-content', endpoint, appOrigin: originOf(appOrigin) };
  }
  return { code: 'ok' };
}

// ---------------------------------------------------------------------------------------------
// After a failure

const NOT_FOUND_LOCAL = [/^model '(.+)' not found$/, /^model "(.+)" not found, try pulling it first$/, /^model "(.+)" not found$/];
const MANIFEST_MISSING = /pull model manifest: file does not exist|manifest unknown|not found/i;
const NETWORK_CAUSES = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCode(e: unknown): string | undefined {
  const c = prop(prop(e, 'cause'), 'code');
  return typeof c === 'string' ? c : undefined;
}

function modelFromMessage(message: string): string | null {
  for (const re of NOT_FOUND_LOCAL) {
    const m = re.exec(message);
    if (m) return m[1]!;
  }
  return null;
}

function unsupportedFromMessage(message: string, fallbackModel: string): Diagnosis | null {
  const quoted = /^"(.+)" does not support (chat|generate|thinking|tools|insert|vision|embedding|completion)$/.exec(message);
  if (quoted) return { code: 'unsupported', model: quoted[1]!, feature: quoted[2] as UnsupportedFeature };
  const full = /^(\S+) does not support (tools|insert|vision|embedding|thinking|completion)\b/.exec(message);
  if (full) return { code: 'unsupported', model: displayModelName(full[1]!) ?? full[1]!, feature: full[2] as UnsupportedFeature };
  if (/missing data required for image input|does not support images/i.test(message)) {
    return { code: 'unsupported', model: fallbackModel, feature: 'vision' };
  }
  return null;
}

function looksLikeOllamaRoot(rootText: string | undefined): boolean | undefined {
  if (rootText === undefined) return undefined;
  return rootText.trim() === 'Ollama is running';
}

function diagnoseResponse(e: ResponseErrorLike, f: DiagnoseFacts): Diagnosis {
  const status = e.status_code;
  const message = typeof e.error === 'string' ? e.error : e.message;
  const endpoint = f.endpoint;
  const model = f.model ?? '';
  if (looksLikeOllamaRoot(f.rootText) === false) return { code: 'not-ollama', endpoint };
  switch (status) {
    case 400: {
      if (message === 'invalid model name') return { code: 'invalid-model-name', model };
      return unsupportedFromMessage(message, model) ?? { code: 'http', status, message };
    }
    case 403:
      return { code: 'forbidden-host', endpoint };
    case 404: {
      const m = modelFromMessage(message);
      if (m !== null) return { code: 'model-not-found', model: m, where: 'local' };
      if (message.trim() === '404 page not found') {
        const u = parseUrl(normalizeEndpoint(endpoint) ?? '');
        if (u && u.pathname.replace(/\/+$/, '') !== '') return { code: 'bad-url', reason: 'path', endpoint };
      }
      if (/<html|<!doctype/i.test(message)) return { code: 'not-ollama', endpoint };
      return { code: 'http', status, message };
    }
    case 499:
      return { code: 'aborted' };
    case 502:
    case 504:
      return { code: 'bad-gateway', status, endpoint };
    case 503:
      return { code: 'busy', message };
    default: {
      const unsupported = unsupportedFromMessage(message, model);
      if (unsupported) return unsupported;
      if (status === 500 && /<html|<!doctype/i.test(message)) return { code: 'not-ollama', endpoint };
      return { code: 'http', status, message };
    }
  }
}

function diagnoseNetwork(f: DiagnoseFacts): Diagnosis {
  const { appOrigin, endpoint } = f;
  if (f.streamStarted) return { code: 'connection-lost', endpoint };
  const pre = precheckEndpoint(appOrigin, endpoint, f.browser);
  if (pre.code !== 'ok') return pre;
  const lna = f.browser?.chromeLna;
  if ((lna === 'denied' || lna === 'prompt') && localNetworkAccessApplies(appOrigin, endpoint)) {
    return { code: 'local-network-access', state: lna, endpoint };
  }
  const remote = isRemote(endpoint);
  const cause = causeCode(f.error);
  if (cause && NETWORK_CAUSES.has(cause)) return { code: 'server-down', endpoint, remote };
  if (f.probe === 'reachable') return { code: 'cors', origin: originOf(appOrigin), endpoint };
  if (f.probe === 'unreachable') return { code: 'server-down', endpoint, remote };
  return { code: 'unreachable', endpoint, origin: originOf(appOrigin), remote };
}

function diagnoseStream(message: string, f: DiagnoseFacts): Diagnosis {
  if (/did not receive done or success response in stream/i.test(message)) return { code: 'connection-lost', endpoint: f.endpoint };
  if (f.operation === 'pull' && MANIFEST_MISSING.test(message)) {
    return { code: 'model-not-found', model: f.model ?? '', where: 'registry' };
  }
  const local = modelFromMessage(message);
  if (local !== null) return { code: 'model-not-found', model: local, where: 'local' };
  if (/^server busy/i.test(message)) return { code: 'busy', message };
  if (message === 'invalid model name') return { code: 'invalid-model-name', model: f.model ?? '' };
  return unsupportedFromMessage(message, f.model ?? '') ?? { code: 'stream-error', message };
}

/**
 * Should the client run the `fetch(endpoint, {mode: 'no-cors'})` probe before calling
 * {@link diagnose}? Only for a network failure before any stream byte, when the URLs
 * themselves do not already explain it.
 */
export function shouldProbe(f: Pick<DiagnoseFacts, 'appOrigin' | 'endpoint' | 'error' | 'browser' | 'streamStarted'>): boolean {
  if (classifyOllamaError(f.error) !== 'network' || f.streamStarted) return false;
  if (causeCode(f.error) !== undefined && NETWORK_CAUSES.has(causeCode(f.error)!)) return false;
  return precheckEndpoint(f.appOrigin, f.endpoint, f.browser).code === 'ok';
}

/** Turn a failed call (and the facts gathered around it) into one diagnosis. */
export function diagnose(f: DiagnoseFacts): Diagnosis {
  if (f.error === undefined || f.error === null) {
    if (looksLikeOllamaRoot(f.rootText) === false) return { code: 'not-ollama', endpoint: f.endpoint };
    return { code: 'ok' };
  }
  switch (classifyOllamaError(f.error)) {
    case 'response':
      return diagnoseResponse(f.error as ResponseErrorLike, f);
    case 'network':
      return diagnoseNetwork(f);
    case 'abort':
      return { code: 'aborted' };
    case 'timeout':
      return { code: 'timeout', endpoint: f.endpoint };
    case 'invalid-response':
      return { code: 'not-ollama', endpoint: f.endpoint };
    case 'stream':
      return diagnoseStream(errMessage(f.error), f);
    default:
      return { code: 'unknown', message: errMessage(f.error) };
  }
}
