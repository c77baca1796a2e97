/**
 * The one Ollama client of the app: `ollama/browser` pointed at the device's endpoint, with every
 * call wrapped so that any failure becomes an {@link OllamaError} carrying a {@link Diagnosis}.
 *
 * All failures go through {@link gatherDiagnosis}, which collects the facts the pure
 * `diagnose()` of shared/ollama needs: the app's origin, the endpoint, what ollama-js threw
 * (ResponseError with a status, a plain Error from an `{"error"}` stream line, a TypeError for
 * network/CORS, AbortError / TimeoutError), a `fetch(endpoint, {mode: 'no-cors'})` probe after a
 * TypeError when `shouldProbe` says so (it resolves only when a server answered: CORS refused),
 * the body of `GET /` after an HTTP error (is it Ollama at all?), Safari or not, and Chrome's
 * Local Network Access permission state.
 *
 *   const ollama = createOllamaClient(device.settings.ollamaEndpoint);
 *   try {
 *     const stream = await ollama.chat({ model, messages }, { signal });
 *     for await (const part of stream) …
 *   } catch (e) {
 *     const diagnosis = await ollama.diagnoseError(e);   // or (e as OllamaError).diagnosis
 *     if (diagnosis.code !== 'aborted') show(<DiagnosisMessage diagnosis={diagnosis} />);
 *   }
 */
import {
  Ollama,
  type AbortableAsyncIterator,
  type ChatRequest,
  type ChatResponse,
  type EmbedRequest,
  type EmbedResponse,
  type GenerateRequest,
  type GenerateResponse,
  type ListResponse,
  type ProgressResponse,
  type ShowResponse,
} from 'ollama/browser';
import {
  classifyOllamaError,
  diagnose,
  localNetworkAccessApplies,
  normalizeEndpoint,
  precheckEndpoint,
  shouldProbe,
  type BrowserFacts,
  type Diagnosis,
  type DiagnoseFacts,
  type LnaState,
  type OllamaOperation,
} from '../../shared/ollama/diagnose.ts';

export type { Diagnosis, DiagnosisCode } from '../../shared/ollama/diagnose.ts';

/** What was being done when a call failed (helps the diagnosis: model names, pulls). */
export interface CallContext {
  operation: OllamaOperation;
  model?: string;
  /** True when the failure happened after the response had started to stream. */
  streamStarted?: boolean;
}

/** A failed Ollama call, already diagnosed. `diagnosis.code === 'aborted'` after a cancel. */
export class OllamaError extends Error {
  override readonly name = 'OllamaError';
  constructor(
    readonly diagnosis: Diagnosis,
    /** What ollama-js (or fetch) threw. */
    readonly original: unknown,
  ) {
    super(`Ollama: ${diagnosis.code}${'message' in diagnosis && diagnosis.message ? `: ${diagnosis.message}` : ''}`);
  }
}

export function isOllamaError(e: unknown): e is OllamaError {
  return e instanceof OllamaError;
}

/** An abortable stream of Ollama's NDJSON objects; iteration throws {@link OllamaError}. */
export interface OllamaStream<T> extends AsyncIterable<T> {
  abort(): void;
}

export interface CallOptions {
  /** Aborts the call (before or during the stream); the call then fails with code `aborted`. */
  signal?: AbortSignal;
}

export type VerifyResult = { ok: true; version: string; endpoint: string } | { ok: false; diagnosis: Diagnosis };

export interface OllamaClient {
  /** The endpoint as configured (trimmed). */
  readonly endpoint: string;
  /** POST /api/chat, streamed. */
  chat(request: Omit<ChatRequest, 'stream'>, opts?: CallOptions): Promise<OllamaStream<ChatResponse>>;
  /** POST /api/chat with stream:false (e.g. titles). */
  chatOnce(request: Omit<ChatRequest, 'stream'>, opts?: CallOptions): Promise<ChatResponse>;
  /** POST /api/generate, streamed. */
  generate(request: Omit<GenerateRequest, 'stream'>, opts?: CallOptions): Promise<OllamaStream<GenerateResponse>>;
  /** POST /api/pull, streamed: feed each object to reducePullProgress. */
  pull(model: string, opts?: CallOptions): Promise<OllamaStream<ProgressResponse>>;
  list(opts?: CallOptions): Promise<ListResponse>;
  show(model: string, opts?: CallOptions): Promise<ShowResponse>;
  ps(opts?: CallOptions): Promise<ListResponse>;
  delete(model: string, opts?: CallOptions): Promise<void>;
  embed(request: EmbedRequest, opts?: CallOptions): Promise<EmbedResponse>;
  /** GET /api/version. */
  version(opts?: CallOptions): Promise<string>;
  /** Is Ollama reachable and usable from this page? Never throws. */
  verify(opts?: CallOptions): Promise<VerifyResult>;
  /** Any error (an OllamaError, or something ollama-js threw) → a diagnosis. */
  diagnoseError(error: unknown, ctx?: CallContext): Promise<Diagnosis>;
}

export interface ClientOptions {
  /** Timeout of the short calls (version, list, show, ps, delete); default 15 s. Streams have none. */
  timeoutMs?: number;
  /** fetch to use (tests); default the global fetch. */
  fetch?: FetchFn;
}

type FetchFn = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

const DEFAULT_TIMEOUT_MS = 15_000;
/** The probes that follow a failure are short: they only tell "something answered" from "nothing". */
const PROBE_TIMEOUT_MS = 4_000;

// ---------------------------------------------------------------------------------------------
// Browser facts

/** WebKit's https→http rule: Safari, and every browser on iOS (they all use WebKit). */
export function isSafari(userAgent: string = typeof navigator === 'undefined' ? '' : navigator.userAgent): boolean {
  if (/\b(CriOS|FxiOS|EdgiOS|OPiOS)\//.test(userAgent)) return true;
  return /AppleWebKit\//.test(userAgent) && /Safari\//.test(userAgent) && !/(Chrome|Chromium|Edg|OPR|SamsungBrowser)\/|Android/.test(userAgent);
}

/** Chrome's Local Network Access permission, where the browser knows it (Chrome 142+). */
export async function localNetworkAccessState(): Promise<LnaState> {
  const permissions = typeof navigator === 'undefined' ? undefined : navigator.permissions;
  if (!permissions?.query) return 'unknown';
  for (const name of ['local-network-access', 'local-network', 'loopback-network']) {
    try {
      const status = await permissions.query({ name: name as PermissionName });
      const s = status.state;
      if (s === 'granted' || s === 'denied' || s === 'prompt') return s;
    } catch {
      // Unknown permission name in this browser: try the next one.
    }
  }
  return 'unknown';
}

function appOrigin(): string {
  return typeof location === 'undefined' ? '' : location.origin;
}

export async function browserFacts(): Promise<BrowserFacts> {
  return { safari: isSafari(), chromeLna: await localNetworkAccessState() };
}

function rootUrl(endpoint: string): string | null {
  const n = normalizeEndpoint(endpoint);
  return n ? `${n}/` : null;
}

function timeoutSignal(ms: number): AbortSignal {
  return AbortSignal.timeout(ms);
}

function anySignal(signals: Array<AbortSignal | undefined | null>): AbortSignal | undefined {
  const list = signals.filter((s): s is AbortSignal => !!s);
  if (list.length <= 1) return list[0];
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(list);
  const ac = new AbortController();
  for (const s of list) {
    if (s.aborted) {
      ac.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => ac.abort(s.reason), { once: true });
  }
  return ac.signal;
}

/** `no-cors` GET of the root: it resolves (opaque) whenever any server answered, CORS or not. */
async function probe(endpoint: string, fetchFn: FetchFn): Promise<'reachable' | 'unreachable' | 'skipped'> {
  const url = rootUrl(endpoint);
  if (!url) return 'skipped';
  try {
    await fetchFn(url, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', signal: timeoutSignal(PROBE_TIMEOUT_MS) });
    return 'reachable';
  } catch {
    return 'unreachable';
  }
}

/** The body of GET / when CORS lets us read it ("Ollama is running" for Ollama). */
async function readRoot(endpoint: string, fetchFn: FetchFn): Promise<string | undefined> {
  const url = rootUrl(endpoint);
  if (!url) return undefined;
  try {
    const res = await fetchFn(url, { cache: 'no-store', credentials: 'omit', signal: timeoutSignal(PROBE_TIMEOUT_MS) });
    return (await res.text()).slice(0, 2000);
  } catch {
    return undefined;
  }
}

/**
 * THE place where a failed call becomes a diagnosis: gathers the facts around `error`
 * and hands them to the pure `diagnose()`.
 */
export async function gatherDiagnosis(endpoint: string, error: unknown, ctx: CallContext, fetchFn: FetchFn = defaultFetch): Promise<Diagnosis> {
  if (error instanceof OllamaError) return error.diagnosis;
  const facts: DiagnoseFacts = {
    appOrigin: appOrigin(),
    endpoint,
    error,
    browser: await browserFacts(),
    model: ctx.model,
    operation: ctx.operation,
    streamStarted: ctx.streamStarted,
  };
  const kind = classifyOllamaError(error);
  // Chrome holds a request while its Local Network Access prompt waits for an answer: a timeout
  // then means "answer the prompt", not "Ollama is slow".
  if (kind === 'timeout' && facts.browser?.chromeLna === 'prompt' && localNetworkAccessApplies(facts.appOrigin, endpoint)) {
    return { code: 'local-network-access', state: 'prompt', endpoint };
  }
  if (shouldProbe(facts)) facts.probe = await probe(endpoint, fetchFn);
  else if (kind === 'network') facts.probe = 'skipped';
  if (kind === 'response') facts.rootText = await readRoot(endpoint, fetchFn);
  return diagnose(facts);
}

const defaultFetch: FetchFn = (input, init) => globalThis.fetch(input, init);

// ---------------------------------------------------------------------------------------------
// The client

export function createOllamaClient(endpointInput: string, options: ClientOptions = {}): OllamaClient {
  const endpoint = endpointInput.trim();
  const baseFetch = options.fetch ?? defaultFetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  /** One ollama-js instance per call: its fetch carries the caller's signal and the timeout. */
  const instance = (signal: AbortSignal | undefined, timeout: boolean): Ollama | null => {
    const fetchFn: FetchFn = (input, init) =>
      baseFetch(input, { ...init, signal: anySignal([init?.signal, signal, timeout ? timeoutSignal(timeoutMs) : undefined]) });
    try {
      return new Ollama({ host: endpoint, fetch: fetchFn as typeof fetch });
    } catch {
      return null; // an address ollama-js cannot even parse
    }
  };

  const diagnoseError = (error: unknown, ctx: CallContext = { operation: 'other' }) => gatherDiagnosis(endpoint, error, ctx, baseFetch);

  const unusable = (): OllamaError => {
    const pre = precheckEndpoint(appOrigin(), endpoint, { safari: isSafari() });
    return new OllamaError(pre.code === 'ok' ? { code: 'bad-url', reason: 'unparsable', endpoint } : pre, undefined);
  };

  async function call<T>(ctx: CallContext, opts: CallOptions | undefined, timeout: boolean, fn: (o: Ollama) => Promise<T>): Promise<T> {
    const o = instance(opts?.signal, timeout);
    if (!o) throw unusable();
    if (opts?.signal?.aborted) throw new OllamaError({ code: 'aborted' }, opts.signal.reason);
    try {
      return await fn(o);
    } catch (e) {
      throw new OllamaError(await diagnoseError(e, ctx), e);
    }
  }

  async function stream<T extends object>(
    ctx: CallContext,
    opts: CallOptions | undefined,
    start: (o: Ollama) => Promise<AbortableAsyncIterator<T>>,
  ): Promise<OllamaStream<T>> {
    const it = await call(ctx, opts, false, start);
    const onAbort = () => it.abort();
    opts?.signal?.addEventListener('abort', onAbort, { once: true });
    return {
      abort: () => it.abort(),
      async *[Symbol.asyncIterator]() {
        let finished = false;
        try {
          for await (const part of it) yield part;
          finished = true;
        } catch (e) {
          // The response had started: a network error now is a cut connection, not CORS.
          throw new OllamaError(await diagnoseError(e, { ...ctx, streamStarted: true }), e);
        } finally {
          opts?.signal?.removeEventListener('abort', onAbort);
          // The consumer left the loop early (break/return): close the connection so Ollama stops.
          if (!finished) it.abort();
        }
      },
    };
  }

  const version = (opts?: CallOptions) =>
    call({ operation: 'version' }, opts, true, async (o) => {
      const v: unknown = await o.version();
      const found = typeof v === 'object' && v !== null ? (v as { version?: unknown }).version : undefined;
      // Something answered /api/version with JSON, but not Ollama's.
      if (typeof found !== 'string') throw new OllamaError({ code: 'not-ollama', endpoint }, v);
      return found;
    });

  return {
    endpoint,
    chat: (request, opts) => stream({ operation: 'chat', model: request.model }, opts, (o) => o.chat({ ...request, stream: true })),
    chatOnce: (request, opts) => call({ operation: 'chat', model: request.model }, opts, false, (o) => o.chat({ ...request, stream: false })),
    generate: (request, opts) => stream({ operation: 'generate', model: request.model }, opts, (o) => o.generate({ ...request, stream: true })),
    pull: (model, opts) => stream({ operation: 'pull', model }, opts, (o) => o.pull({ model, stream: true })),
    list: (opts) => call({ operation: 'list' }, opts, true, (o) => o.list()),
    show: (model, opts) => call({ operation: 'show', model }, opts, true, (o) => o.show({ model })),
    ps: (opts) => call({ operation: 'list' }, opts, true, (o) => o.ps()),
    delete: (model, opts) =>
      call({ operation: 'delete', model }, opts, true, async (o) => {
        await o.delete({ model });
      }),
    embed: (request, opts) => call({ operation: 'embed', model: request.model }, opts, false, (o) => o.embed(request)),
    version,
    async verify(opts) {
      const pre = precheckEndpoint(appOrigin(), endpoint, { safari: isSafari() });
      if (pre.code !== 'ok') return { ok: false, diagnosis: pre };
      try {
        return { ok: true, version: await version(opts), endpoint };
      } catch (e) {
        return { ok: false, diagnosis: await diagnoseError(e, { operation: 'version' }) };
      }
    },
    diagnoseError,
  };
}

/** The diagnosis of any error (OllamaError or not) without gathering facts: for code paths that already did. */
export function diagnosisOf(error: unknown): Diagnosis {
  if (error instanceof OllamaError) return error.diagnosis;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  if (name === 'AbortError') return { code: 'aborted' };
  return { code: 'unknown', message: error instanceof Error ? error.message : String(error) };
}
