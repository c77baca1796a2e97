/**
 * The fake's OpenAI-compatible mode: the routes an OpenAI-compatible server (OpenAI, llama.cpp,
 * LM Studio, vLLM) serves under its base path (default `/v1`), on the same port as the Ollama
 * routes:
 * - `GET {base}/models` → `{object:"list", data:[{id, object:"model", created, owned_by}]}`
 * - `POST {base}/chat/completions` → `stream:true`: server-sent events (`data: {chunk}\n\n`, …,
 *   a usage chunk when `stream_options.include_usage`, `data: [DONE]\n\n`); otherwise one
 *   chat.completion object.
 * - errors as `{error:{message,type,param,code}}` with their HTTP status: 401 missing/wrong
 *   Bearer key (when a key is set), 404 unknown model, 400 bad JSON, scripted ones (429…).
 * - CORS like a typical server: the configured origins (default `*`) get
 *   Access-Control-Allow-Origin; preflights answer 204 (400 for an origin not allowed).
 * Scriptable like the Ollama mode (FIFO scripts, optionally per model); requests are recorded
 * in the same `fake.requests` list.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sleep } from './ndjson.ts';
import { tokenize } from './routes/chat.ts';

export interface OpenAIModeOptions {
  /** Where the OpenAI-compatible routes live; default `/v1`. */
  basePath?: string;
  /** The Bearer key every request must carry; null/undefined = no key check. */
  apiKey?: string | null;
  /** Model ids served; default ['gpt-3.5-turbo', 'gpt-4o']. */
  models?: string[];
  /** Allowed origins (`*` for any); default ['*']. */
  origins?: string[];
}

export interface OpenAIErrorSpec {
  status: number;
  message: string;
  type?: string;
  code?: string | null;
  /** Retry-After header (seconds) */
  retryAfter?: number;
}

export interface OpenAIChatScript {
  content?: string;
  /** streamed as `delta.reasoning_content` before the content */
  reasoning?: string;
  /** only used for a request to this model id */
  model?: string;
  /** answer with this status and error body before any byte of the stream */
  errorBefore?: OpenAIErrorSpec;
  /** stream `after` characters of content, then an `{error}` event and close (no [DONE]) */
  errorAfterChars?: { after: number; message: string; type?: string; code?: string };
  /** stream `after` characters, then cut the connection */
  cutAfterChars?: number;
  tokensPerSecond?: number;
  /** finish_reason of the last chunk (default "stop") */
  finishReason?: string;
  /** write each SSE event in pieces of this many bytes (events split across network chunks) */
  chunkBytes?: number;
  /**
   * answer with these tool calls (after any content), streamed as the real API does: per call a
   * first `delta.tool_calls` piece with index, id, type and name (empty arguments), then the
   * arguments JSON text in small pieces; finish_reason "tool_calls"
   */
  toolCalls?: Array<{ name: string; arguments: Record<string, unknown> }>;
}

export interface FakeOpenAI {
  /** e.g. `/v1` */
  readonly basePath: string;
  /** The base URL to configure in the app: the server's URL + base path. */
  readonly url: string;
  setKey(key: string | null): void;
  setModels(ids: string[]): void;
  models(): string[];
  scriptChat(s: OpenAIChatScript): void;
  clearScripts(): void;
  setOrigins(origins: string[]): void;
}

export const OPENAI_DEFAULT_MODELS = ['gpt-3.5-turbo', 'gpt-4o'];

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  raw: string;
  signal: AbortSignal;
  tokensPerSecond: number;
}

export class OpenAIMode {
  readonly basePath: string;
  apiKey: string | null;
  modelIds: string[];
  origins: string[];
  scripts: OpenAIChatScript[] = [];
  private seq = 0;

  constructor(opts: OpenAIModeOptions = {}) {
    this.basePath = '/' + (opts.basePath ?? '/v1').replace(/^\/+|\/+$/g, '');
    this.apiKey = opts.apiKey ?? null;
    this.modelIds = [...(opts.models ?? OPENAI_DEFAULT_MODELS)];
    this.origins = [...(opts.origins ?? ['*'])];
  }

  handles(path: string): boolean {
    return path === this.basePath || path.startsWith(this.basePath + '/');
  }

  private allowedOrigin(origin: string | undefined): string | null {
    if (!origin) return null;
    if (this.origins.includes('*')) return '*';
    return this.origins.includes(origin) ? origin : null;
  }

  /** CORS; true when the request was a preflight and has been answered. */
  private cors(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    const allowed = this.allowedOrigin(origin);
    if (allowed) {
      res.setHeader('Access-Control-Allow-Origin', allowed);
      if (allowed !== '*') res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
    }
    if (req.method === 'OPTIONS' && origin && req.headers['access-control-request-method']) {
      if (!allowed) {
        res.statusCode = 400;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('Disallowed CORS origin');
        return true;
      }
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'Authorization, Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      res.statusCode = 204;
      res.end();
      return true;
    }
    return false;
  }

  private sendError(res: ServerResponse, e: OpenAIErrorSpec): void {
    const body = JSON.stringify({ error: { message: e.message, type: e.type ?? 'invalid_request_error', param: null, code: e.code ?? null } });
    res.statusCode = e.status;
    res.setHeader('Content-Type', 'application/json');
    if (e.retryAfter !== undefined) res.setHeader('Retry-After', String(e.retryAfter));
    res.end(body);
  }

  private authError(req: IncomingMessage): OpenAIErrorSpec | null {
    if (this.apiKey === null) return null;
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (!m) {
      return { status: 401, message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", type: 'invalid_request_error', code: null };
    }
    const key = m[1]!.trim();
    if (key !== this.apiKey) {
      const shown = key.length > 8 ? `${key.slice(0, 3)}${'*'.repeat(key.length - 7)}${key.slice(-4)}` : '***';
      return { status: 401, message: `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', code: 'invalid_api_key' };
    }
    return null;
  }

  async handle(ctx: Ctx): Promise<void> {
    const { req, res } = ctx;
    if (this.cors(req, res)) return;
    const path = (req.url ?? '/').split('?')[0]!.slice(this.basePath.length) || '/';
    const method = req.method ?? 'GET';
    const route = path === '/models' ? 'models' : path === '/chat/completions' ? 'chat' : null;
    if (!route) return this.sendError(res, { status: 404, message: `Unknown request URL: ${method} ${req.url}.`, code: 'unknown_url' });
    if ((route === 'models' && method !== 'GET') || (route === 'chat' && method !== 'POST')) {
      return this.sendError(res, { status: 405, message: `Method ${method} not allowed.`, code: 'method_not_allowed' });
    }
    const auth = this.authError(req);
    if (auth) return this.sendError(res, auth);
    if (route === 'models') {
      const created = 1_700_000_000;
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ object: 'list', data: this.modelIds.map((id) => ({ id, object: 'model', created, owned_by: 'fake' })) }));
      return;
    }
    return this.chat(ctx);
  }

  private takeScript(model: string): OpenAIChatScript | undefined {
    const i = this.scripts.findIndex((s) => s.model === undefined || s.model === model);
    return i === -1 ? undefined : this.scripts.splice(i, 1)[0];
  }

  private async chat(ctx: Ctx): Promise<void> {
    const { res } = ctx;
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(ctx.raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return this.sendError(res, { status: 400, message: 'We could not parse the JSON body of your request.', code: null });
    }
    const model = typeof body.model === 'string' ? body.model : '';
    if (!model) return this.sendError(res, { status: 400, message: 'you must provide a model parameter', code: null });
    const messages = Array.isArray(body.messages) ? (body.messages as Array<Record<string, unknown>>) : null;
    if (!messages || messages.length === 0) return this.sendError(res, { status: 400, message: "Missing required parameter: 'messages'.", code: 'missing_required_parameter' });
    if (!this.modelIds.includes(model)) {
      return this.sendError(res, { status: 404, message: `The model \`${model}\` does not exist or you do not have access to it.`, code: 'model_not_found' });
    }
    const toolProblem = checkToolTurns(messages);
    if (toolProblem) return this.sendError(res, { status: 400, message: toolProblem, code: null });
    const script = this.takeScript(model) ?? {};
    if (script.errorBefore) return this.sendError(res, script.errorBefore);

    const calls = (script.toolCalls ?? []).map((c, i) => ({ id: `call_fake${this.seq + 1}x${i}`, name: c.name, args: JSON.stringify(c.arguments) }));
    const content = script.content ?? (calls.length > 0 ? '' : `You said: ${lastUserText(messages)}`);
    const reasoning = script.reasoning ?? '';
    const id = `chatcmpl-fake${++this.seq}`;
    const created = Math.floor(Date.now() / 1000);
    const promptTokens = promptTokenCount(messages);
    const finish = script.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop');

    if (body.stream !== true) {
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant',
                content: calls.length > 0 && !content ? null : content,
                ...(calls.length > 0 ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) } : {}),
              },
              finish_reason: finish,
            },
          ],
          usage: { prompt_tokens: promptTokens, completion_tokens: tokenize(content).length, total_tokens: promptTokens + tokenize(content).length },
        }),
      );
      return;
    }

    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.flushHeaders();
    const tps = script.tokensPerSecond ?? ctx.tokensPerSecond;
    const pause = tps > 0 && Number.isFinite(tps) ? 1000 / tps : 0;
    const write = async (data: string) => {
      const text = `data: ${data}\n\n`;
      const size = script.chunkBytes;
      if (!size) {
        res.write(text);
        return;
      }
      const bytes = Buffer.from(text, 'utf8');
      for (let i = 0; i < bytes.length; i += size) {
        res.write(bytes.subarray(i, i + size));
        await sleep(1);
      }
    };
    const chunk = (delta: Record<string, unknown>, finishReason: string | null) =>
      JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });

    await write(chunk({ role: 'assistant', content: calls.length > 0 && !content ? null : '' }, null));
    let sent = 0;
    const limit = script.errorAfterChars?.after ?? script.cutAfterChars ?? Infinity;
    const pieces: Array<['reasoning_content' | 'content', string]> = [
      ...tokenize(reasoning).map((p): ['reasoning_content', string] => ['reasoning_content', p]),
      ...tokenize(content).map((p): ['content', string] => ['content', p]),
    ];
    for (const [field, piece] of pieces) {
      if (ctx.signal.aborted) return;
      let p = piece;
      if (sent + p.length > limit) p = p.slice(0, Math.max(0, limit - sent));
      if (p) await write(chunk({ [field]: p }, null));
      sent += p.length;
      if (sent >= limit) break;
      if (pause) await sleep(pause, ctx.signal).catch(() => undefined);
    }
    if (ctx.signal.aborted) return;
    if (script.errorAfterChars) {
      const e = script.errorAfterChars;
      await write(JSON.stringify({ error: { message: e.message, type: e.type ?? 'server_error', param: null, code: e.code ?? null } }));
      res.end();
      return;
    }
    if (script.cutAfterChars !== undefined) {
      res.destroy();
      return;
    }
    for (const [index, c] of calls.entries()) {
      await write(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }, null));
      // arguments arrive as a JSON text cut anywhere (here every 7 characters)
      for (let i = 0; i < c.args.length; i += 7) await write(chunk({ tool_calls: [{ index, function: { arguments: c.args.slice(i, i + 7) } }] }, null));
    }
    await write(chunk({}, finish));
    const so = body.stream_options as { include_usage?: unknown } | undefined;
    if (so?.include_usage === true) {
      const completion = tokenize(reasoning).length + tokenize(content).length + calls.length * 8;
      await write(JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion } }));
    }
    await write('[DONE]');
    res.end();
  }

  controller(serverUrl: string): FakeOpenAI {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const mode = this;
    return {
      basePath: mode.basePath,
      url: serverUrl + mode.basePath,
      setKey: (k) => {
        mode.apiKey = k;
      },
      setModels: (ids) => {
        mode.modelIds = [...ids];
      },
      models: () => [...mode.modelIds],
      scriptChat: (s) => {
        mode.scripts.push(s);
      },
      clearScripts: () => {
        mode.scripts.length = 0;
      },
      setOrigins: (o) => {
        mode.origins = [...o];
      },
    };
  }
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts = content as Array<Record<string, unknown>>;
  const text = parts.filter((p) => p.type === 'text' && typeof p.text === 'string').map((p) => p.text as string).join(' ');
  const images = parts.filter((p) => p.type === 'image_url').length;
  return images ? `${text} (${images} image${images > 1 ? 's' : ''})` : text;
}

/** OpenAI's check: every tool message answers a call of the assistant turn before it, by id. */
function checkToolTurns(messages: Array<Record<string, unknown>>): string | null {
  let open = new Set<string>();
  for (const m of messages) {
    if (m.role === 'assistant') {
      const calls = Array.isArray(m.tool_calls) ? (m.tool_calls as Array<Record<string, unknown>>) : [];
      open = new Set(calls.map((c) => String(c.id)));
      for (const c of calls) {
        const fn = c.function as { name?: unknown; arguments?: unknown } | undefined;
        if (c.type !== 'function' || typeof fn?.name !== 'string' || typeof fn.arguments !== 'string') return "Invalid value for 'tool_calls': each call needs type 'function', a name and arguments as a string.";
      }
    } else if (m.role === 'tool') {
      const id = m.tool_call_id;
      if (typeof id !== 'string' || !open.has(id)) return "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
      open.delete(id);
    } else if (open.size > 0) {
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`;
    }
  }
  return null;
}

function lastUserText(messages: Array<Record<string, unknown>>): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return textOf(messages[i]!.content);
  return '';
}

function promptTokenCount(messages: Array<Record<string, unknown>>): number {
  let n = 3;
  for (const m of messages) n += 4 + tokenize(textOf(m.content)).length;
  return n;
}
