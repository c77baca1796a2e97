/**
 * A client for one OpenAI-compatible endpoint (OpenAI, llama.cpp, LM Studio, vLLM…), called
 * straight from the browser like Ollama. Every failure becomes an OllamaError carrying a
 * Diagnosis from shared/openai/errors.ts (so the chat and Settings show it with the same
 * DiagnosisMessage). The API key goes only to this connection's base URL, as a Bearer token.
 *
 *   const client = createOpenAIClient(connection);
 *   const models = await client.listModels();            // GET {baseUrl}/models
 *   for await (const c of await client.chatStream(body, { signal })) …   // POST {baseUrl}/chat/completions, SSE
 *
 * `asOllamaClient()` wraps it so that the chat's runAnswer (written for Ollama) streams from it
 * unchanged: it takes the Ollama /api/chat body, sends the OpenAI one, and yields Ollama-shaped
 * chunks ({message:{content,thinking}}, the tool calls joined from their streamed pieces, then
 * {done:true, eval_count, eval_duration…}); `tools` and tool turns are mapped both ways.
 */
import type { ChatResponse } from 'ollama/browser';
import { OllamaError, browserFacts, type CallContext, type CallOptions, type OllamaClient, type OllamaStream } from '../ollama/client.ts';
import type { Diagnosis } from '../../shared/ollama/diagnose.ts';
import { diagnoseOpenAI, parseErrorBody, precheckBaseUrl, type OpenAIFailureFacts, type OpenAIFailureKind } from '../../shared/openai/errors.ts';
import { createSseParser, parseChunk, type ChatCompletionChunk } from '../../shared/openai/sse.ts';
import { fromOllamaRequest, type OllamaShapedMessage, type OpenAIChatRequest } from '../../shared/openai/request.ts';
import { createToolCallAccumulator } from '../../shared/openai/tool-calls.ts';
import type { OllamaChatRequest } from '../../shared/chat/request.ts';
import { normalizeBaseUrl, type OpenAIConnection } from './connections.ts';

type FetchFn = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface OpenAIClientOptions {
  fetch?: FetchFn;
  /** timeout of GET /models; default 15 s */
  timeoutMs?: number;
}

export interface OpenAIModel {
  id: string;
  ownedBy?: string;
}

export type OpenAIVerifyResult = { ok: true; models: OpenAIModel[]; endpoint: string } | { ok: false; diagnosis: Diagnosis };

/** An HTTP answer that was not 2xx. */
export class OpenAIHttpError extends Error {
  override readonly name = 'OpenAIHttpError';
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfter: string | null,
  ) {
    super(parseErrorBody(body).message || `HTTP ${status}`);
  }
}

/** An `{"error": …}` event inside the stream. */
export class OpenAIStreamError extends Error {
  override readonly name = 'OpenAIStreamError';
  constructor(
    message: string,
    readonly type?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface OpenAIClient {
  readonly connection: OpenAIConnection;
  readonly endpoint: string;
  listModels(opts?: CallOptions): Promise<OpenAIModel[]>;
  verify(opts?: CallOptions): Promise<OpenAIVerifyResult>;
  chatStream(body: OpenAIChatRequest, opts?: CallOptions): Promise<OllamaStream<ChatCompletionChunk>>;
  chatOnce(body: OpenAIChatRequest, opts?: CallOptions): Promise<string>;
  diagnoseError(error: unknown, ctx?: Partial<CallContext>): Promise<Diagnosis>;
}

const defaultFetch: FetchFn = (input, init) => globalThis.fetch(input, init);
const appOrigin = () => (typeof location === 'undefined' ? '' : location.origin);

function kindOf(e: unknown): OpenAIFailureKind {
  if (e instanceof OpenAIHttpError) return 'response';
  if (e instanceof OpenAIStreamError) return 'stream';
  const name = typeof e === 'object' && e !== null ? (e as { name?: unknown }).name : undefined;
  if (name === 'AbortError') return 'abort';
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'SyntaxError') return 'invalid-response';
  if (name === 'TypeError') return 'network';
  return 'unknown';
}

export function createOpenAIClient(connection: OpenAIConnection, options: OpenAIClientOptions = {}): OpenAIClient {
  const endpoint = normalizeBaseUrl(connection.baseUrl);
  const baseFetch = options.fetch ?? defaultFetch;
  const timeoutMs = options.timeoutMs ?? 15_000;

  const headers = (json: boolean): Record<string, string> => {
    const h: Record<string, string> = { Accept: json ? 'application/json' : 'text/event-stream' };
    if (json) h['Content-Type'] = 'application/json';
    if (connection.apiKey) h.Authorization = `Bearer ${connection.apiKey}`;
    return h;
  };

  const probe = async (): Promise<'reachable' | 'unreachable'> => {
    try {
      await baseFetch(`${endpoint}/models`, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(4000) });
      return 'reachable';
    } catch {
      return 'unreachable';
    }
  };

  const diagnoseError = async (error: unknown, ctx: Partial<CallContext> = {}): Promise<Diagnosis> => {
    if (error instanceof OllamaError) return error.diagnosis;
    const kind = kindOf(error);
    const facts: OpenAIFailureFacts = { kind, appOrigin: appOrigin(), endpoint, browser: await browserFacts(), streamStarted: ctx.streamStarted };
    if (ctx.model) facts.model = ctx.model;
    if (error instanceof OpenAIHttpError) {
      facts.status = error.status;
      facts.body = error.body;
      facts.retryAfter = error.retryAfter;
    } else if (error instanceof OpenAIStreamError) {
      facts.message = error.message;
      if (error.type) facts.errorType = error.type;
      if (error.code) facts.errorCode = error.code;
    } else facts.message = error instanceof Error ? error.message : String(error);
    if (kind === 'network' && !ctx.streamStarted && precheckBaseUrl(facts.appOrigin, endpoint, facts.browser).code === 'ok') facts.probe = await probe();
    return diagnoseOpenAI(facts);
  };

  /** fetch that throws OllamaError (diagnosed) for every failure, including non-2xx answers. */
  const request = async (path: string, init: RequestInit, ctx: Partial<CallContext>, signal?: AbortSignal): Promise<Response> => {
    const pre = precheckBaseUrl(appOrigin(), endpoint, await browserFacts());
    if (pre.code !== 'ok') throw new OllamaError(pre, undefined);
    if (signal?.aborted) throw new OllamaError({ code: 'aborted' }, signal.reason);
    try {
      const res = await baseFetch(`${endpoint}${path}`, { ...init, credentials: 'omit', cache: 'no-store', signal });
      if (!res.ok) throw new OpenAIHttpError(res.status, await res.text().catch(() => ''), res.headers.get('Retry-After'));
      return res;
    } catch (e) {
      throw new OllamaError(await diagnoseError(e, ctx), e);
    }
  };

  const listModels = async (opts?: CallOptions): Promise<OpenAIModel[]> => {
    const signal = opts?.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    const res = await request('/models', { method: 'GET', headers: headers(true) }, { operation: 'list' }, signal);
    let json: unknown;
    try {
      json = await res.json();
    } catch (e) {
      throw new OllamaError(await diagnoseError(e, { operation: 'list' }), e);
    }
    const data = typeof json === 'object' && json !== null ? (json as { data?: unknown }).data : undefined;
    if (!Array.isArray(data)) {
      throw new OllamaError({ code: 'endpoint-http', endpoint, status: res.status, message: 'The answer to GET /models has no "data" list: is this an OpenAI-compatible base URL?' }, json);
    }
    return data
      .filter((m): m is { id: string; owned_by?: unknown } => typeof m === 'object' && m !== null && typeof (m as { id?: unknown }).id === 'string')
      .map((m) => ({ id: m.id, ...(typeof m.owned_by === 'string' ? { ownedBy: m.owned_by } : {}) }));
  };

  const chatStream = async (body: OpenAIChatRequest, opts?: CallOptions): Promise<OllamaStream<ChatCompletionChunk>> => {
    const ac = new AbortController();
    const signal = opts?.signal ? AbortSignal.any([opts.signal, ac.signal]) : ac.signal;
    const ctx: Partial<CallContext> = { operation: 'chat', model: body.model };
    const res = await request('/chat/completions', { method: 'POST', headers: headers(false), body: JSON.stringify({ ...body, stream: true }) }, ctx, signal);
    const reader = res.body?.getReader();
    return {
      abort: () => ac.abort(),
      async *[Symbol.asyncIterator]() {
        if (!reader) return;
        const decoder = new TextDecoder();
        const parser = createSseParser();
        let started = false;
        let finished = false;
        try {
          outer: for (;;) {
            const { done, value } = await reader.read();
            const events = done ? [...parser.push(decoder.decode()), ...parser.end()] : parser.push(decoder.decode(value, { stream: true }));
            for (const ev of events) {
              const chunk = parseChunk(ev.data);
              if (chunk === null) break outer;
              if (chunk.error) throw new OpenAIStreamError(chunk.error.message, chunk.error.type, chunk.error.code);
              started = true;
              yield chunk;
            }
            if (done) break;
          }
          finished = true;
        } catch (e) {
          if (e instanceof OllamaError) throw e;
          throw new OllamaError(await diagnoseError(e, { ...ctx, streamStarted: started && !(e instanceof OpenAIStreamError) }), e);
        } finally {
          if (!finished) ac.abort();
          else void reader.cancel().catch(() => undefined);
        }
      },
    };
  };

  return {
    connection,
    endpoint,
    listModels,
    async verify(opts) {
      try {
        return { ok: true, models: await listModels(opts), endpoint };
      } catch (e) {
        return { ok: false, diagnosis: await diagnoseError(e, { operation: 'list' }) };
      }
    },
    chatStream,
    async chatOnce(body, opts) {
      let text = '';
      for await (const c of await chatStream(body, opts)) text += c.content;
      return text;
    },
    diagnoseError,
  };
}

/**
 * The OpenAI client seen as the Ollama client the chat uses: `chat()` takes the Ollama /api/chat
 * body (as buildChatRequest makes it), maps it (fromOllamaRequest) and yields Ollama-shaped
 * chunks, ending with a `done` chunk carrying the reported usage as eval/prompt_eval counts and
 * the measured durations (so the answer shows tokens per second). Only chat, chatOnce and
 * diagnoseError are meaningful; the other methods fail with 'unknown'.
 */
export function asOllamaClient(client: OpenAIClient, opts: { vision: (model: string) => boolean }): OllamaClient {
  const unsupported = async (): Promise<never> => {
    throw new OllamaError({ code: 'unknown', message: 'Not available for an OpenAI-compatible connection.' }, undefined);
  };
  const toOpenAI = (request: { model: string }, stream: boolean) => {
    // the tool loop's body: Ollama's, plus `tools` and tool turns
    const req = request as unknown as OllamaChatRequest & { messages?: OllamaShapedMessage[]; tools?: unknown[] };
    return fromOllamaRequest({ ...req, messages: req.messages ?? [], stream }, { vision: opts.vision(req.model) });
  };
  const chat = async (request: Parameters<OllamaClient['chat']>[0], callOpts?: CallOptions): Promise<OllamaStream<ChatResponse>> => {
    const body = toOpenAI(request, true);
    const t0 = performance.now();
    const stream = await client.chatStream(body, callOpts);
    return {
      abort: () => stream.abort(),
      async *[Symbol.asyncIterator]() {
        let first: number | null = null;
        let usage: ChatCompletionChunk['usage'] = null;
        let finish: string | null = null;
        let pieces = 0;
        const calls = createToolCallAccumulator();
        for await (const c of stream) {
          if (c.toolCalls.length > 0) calls.push(c.toolCalls);
          if (c.usage) usage = c.usage;
          if (c.finishReason) finish = c.finishReason;
          if (c.content || c.reasoning) {
            first ??= performance.now();
            pieces++;
            yield { model: body.model, message: { role: 'assistant', content: c.content, thinking: c.reasoning }, done: false } as unknown as ChatResponse;
          }
        }
        // the calls are whole only at the end of the stream: one Ollama-shaped piece carries them all
        const toolCalls = calls.calls();
        if (toolCalls.length > 0) yield { model: body.model, message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false } as unknown as ChatResponse;
        const end = performance.now();
        const done: Record<string, unknown> = { model: body.model, message: { role: 'assistant', content: '' }, done: true, done_reason: finish ?? 'stop' };
        done.total_duration = Math.round((end - t0) * 1e6);
        if (usage?.promptTokens !== undefined) done.prompt_eval_count = usage.promptTokens;
        const count = usage?.completionTokens;
        if (count !== undefined && first !== null && end > first && pieces > 1) {
          done.eval_count = count;
          done.eval_duration = Math.round((end - first) * 1e6);
        }
        yield done as unknown as ChatResponse;
      },
    };
  };
  return {
    endpoint: client.endpoint,
    chat,
    async chatOnce(request, callOpts) {
      const content = await client.chatOnce(toOpenAI(request, true), callOpts);
      return { model: request.model, message: { role: 'assistant', content }, done: true } as unknown as ChatResponse;
    },
    generate: unsupported,
    pull: unsupported,
    list: unsupported,
    show: unsupported,
    ps: unsupported,
    delete: unsupported,
    embed: unsupported,
    version: unsupported,
    async verify() {
      const r = await client.verify();
      return r.ok ? { ok: true, version: 'openai', endpoint: r.endpoint } : r;
    },
    diagnoseError: (e, ctx) => client.diagnoseError(e, ctx),
  };
}
