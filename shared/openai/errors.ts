import { localNetworkAccessApplies, precheckEndpoint, type BrowserFacts, type Diagnosis } from '../ollama/diagnose.ts';

/*
 * The ONE place that turns a failed call to an OpenAI-compatible endpoint into a Diagnosis
 * (the union of shared/ollama/diagnose.ts, shown by the same DiagnosisMessage). Pure: the client
 * gathers the facts (HTTP status and body, Retry-After, what fetch threw, a no-cors probe).
 */

export type OpenAIFailureKind = 'response' | 'network' | 'abort' | 'timeout' | 'stream' | 'invalid-response' | 'unknown';

export interface OpenAIFailureFacts {
  kind: OpenAIFailureKind;
  appOrigin: string;
  /** the base URL, e.g. https://api.openai.com/v1 */
  endpoint: string;
  model?: string;
  /** HTTP status of a non-2xx answer */
  status?: number;
  /** its body (JSON `{error:{message,type,code}}` usually) */
  body?: string;
  /** the Retry-After header */
  retryAfter?: string | null;
  /** an in-stream error, or what was thrown */
  message?: string;
  errorType?: string;
  errorCode?: string;
  /** no-cors probe after a network failure */
  probe?: 'reachable' | 'unreachable' | 'skipped';
  streamStarted?: boolean;
  browser?: BrowserFacts;
}

export interface ParsedErrorBody {
  message: string;
  type?: string;
  code?: string;
}

/** `{error:{message,type,code}}`, `{error:"…"}`, `{message:"…"}`, or the text itself (HTML reduced to nothing). */
export function parseErrorBody(body: string | undefined): ParsedErrorBody {
  const text = (body ?? '').trim();
  if (text === '') return { message: '' };
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json === 'object' && json !== null) {
      const j = json as Record<string, unknown>;
      const e = j.error;
      if (typeof e === 'string') return { message: e };
      if (typeof e === 'object' && e !== null) {
        const eo = e as Record<string, unknown>;
        const out: ParsedErrorBody = { message: typeof eo.message === 'string' ? eo.message : '' };
        if (typeof eo.type === 'string') out.type = eo.type;
        if (typeof eo.code === 'string' || typeof eo.code === 'number') out.code = String(eo.code);
        return out;
      }
      if (typeof j.message === 'string') return { message: j.message };
      if (typeof j.detail === 'string') return { message: j.detail };
    }
  } catch {
    // not JSON
  }
  if (/<html|<!doctype/i.test(text)) return { message: '' };
  return { message: text.slice(0, 500) };
}

/** Retry-After in seconds (delta-seconds only; dates are ignored). */
export function retryAfterSeconds(header: string | null | undefined): number | undefined {
  if (!header) return undefined;
  const n = Number(header.trim());
  return Number.isFinite(n) && n >= 0 ? Math.ceil(n) : undefined;
}

function originOf(appOrigin: string): string {
  try {
    const u = new URL(appOrigin);
    return u.origin !== 'null' ? u.origin : appOrigin;
  } catch {
    return appOrigin;
  }
}

/**
 * Problems visible from the base URL alone. Unlike Ollama's endpoint, a base URL needs its
 * scheme and may have any path (`/v1`, `/api/v1`, `/openai/v1`…).
 */
export function precheckBaseUrl(appOrigin: string, baseUrl: string, browser: BrowserFacts = {}): Diagnosis {
  const raw = baseUrl.trim();
  if (raw === '') return { code: 'bad-url', reason: 'empty', endpoint: baseUrl };
  if (!/^https?:\/\//i.test(raw)) {
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? { code: 'bad-url', reason: 'unsupported-scheme', endpoint: baseUrl } : { code: 'bad-url', reason: 'unparsable', endpoint: baseUrl };
  }
  const pre = precheckEndpoint(appOrigin, raw, browser);
  if (pre.code === 'bad-url' && pre.reason === 'api-path') return { code: 'ok' };
  return pre;
}

const RATE_CODES = /rate_limit|insufficient_quota|quota|too_many_requests/i;
const KEY_CODES = /invalid_api_key|invalid_key|authentication|unauthorized|api.?key|permission/i;

function diagnoseResponse(f: OpenAIFailureFacts): Diagnosis {
  const status = f.status ?? 0;
  const parsed = parseErrorBody(f.body);
  const message = parsed.message || f.message || '';
  const codes = `${parsed.type ?? ''} ${parsed.code ?? ''}`;
  const endpoint = f.endpoint;
  if (status === 401 || (status === 403 && KEY_CODES.test(`${codes} ${message}`))) return { code: 'bad-key', endpoint, status, message };
  if (status === 429 || RATE_CODES.test(codes)) {
    const d: Diagnosis = { code: 'rate-limited', endpoint, message };
    const s = retryAfterSeconds(f.retryAfter);
    if (s !== undefined) d.retryAfterSeconds = s;
    return d;
  }
  if (status === 404 && f.model && (/model/i.test(codes) || /model/i.test(message))) {
    return { code: 'endpoint-model-not-found', endpoint, model: f.model, message };
  }
  return { code: 'endpoint-http', endpoint, status, message: message || `HTTP ${status}` };
}

function diagnoseNetwork(f: OpenAIFailureFacts): Diagnosis {
  if (f.streamStarted) return { code: 'endpoint-connection-lost', endpoint: f.endpoint };
  const pre = precheckBaseUrl(f.appOrigin, f.endpoint, f.browser);
  if (pre.code !== 'ok') return pre;
  const lna = f.browser?.chromeLna;
  if ((lna === 'denied' || lna === 'prompt') && localNetworkAccessApplies(f.appOrigin, f.endpoint)) {
    return { code: 'local-network-access', state: lna, endpoint: f.endpoint };
  }
  if (f.probe === 'reachable') return { code: 'endpoint-cors', origin: originOf(f.appOrigin), endpoint: f.endpoint };
  return { code: 'endpoint-down', endpoint: f.endpoint };
}

function diagnoseStream(f: OpenAIFailureFacts): Diagnosis {
  const codes = `${f.errorType ?? ''} ${f.errorCode ?? ''}`;
  const message = f.message ?? '';
  if (RATE_CODES.test(codes)) return { code: 'rate-limited', endpoint: f.endpoint, message };
  if (/invalid_api_key|authentication/i.test(codes)) return { code: 'bad-key', endpoint: f.endpoint, status: 401, message };
  return { code: 'endpoint-stream-error', endpoint: f.endpoint, message };
}

/** Turn a failed call (and the facts gathered around it) into one diagnosis. */
export function diagnoseOpenAI(f: OpenAIFailureFacts): Diagnosis {
  switch (f.kind) {
    case 'response':
      return diagnoseResponse(f);
    case 'network':
      return diagnoseNetwork(f);
    case 'abort':
      return { code: 'aborted' };
    case 'timeout':
      return { code: 'endpoint-timeout', endpoint: f.endpoint };
    case 'stream':
      return diagnoseStream(f);
    case 'invalid-response':
      return { code: 'endpoint-http', endpoint: f.endpoint, status: f.status ?? 200, message: f.message || 'The answer is not OpenAI-compatible JSON.' };
    default:
      return { code: 'unknown', message: f.message ?? '' };
  }
}
