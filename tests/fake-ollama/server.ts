/**
 * The fake Ollama HTTP server: node:http, no framework. Middleware order as in Ollama's
 * GenerateRoutes: CORS (gin-contrib/cors) → allowed hosts → gin router (404/405 text bodies).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import type { Handler, RouteContext } from './context.ts';
import { applyCors, applyHostCheck, OriginPolicy } from './cors.ts';
import { sendError, sendText } from './gojson.ts';
import { handleChat } from './routes/chat.ts';
import { embed } from './routes/embed.ts';
import { ps, remove, root, show, tags, version } from './routes/models.ts';
import { pull } from './routes/pull.ts';
import { FakeState } from './state.ts';
import { OpenAIMode } from './openai.ts';
import type { FakeOllama, FakeOllamaOptions, RecordedRequest } from './types.ts';

const ROUTES: Record<string, Record<string, Handler>> = {
  '/': { GET: root, HEAD: root },
  '/api/version': { GET: version, HEAD: version },
  '/api/tags': { GET: tags, HEAD: tags },
  '/api/ps': { GET: ps },
  '/api/show': { POST: show },
  '/api/delete': { DELETE: remove },
  '/api/pull': { POST: pull },
  '/api/chat': { POST: handleChat('chat') },
  '/api/generate': { POST: handleChat('generate') },
  '/api/embed': { POST: embed },
};

const MAX_BODY = 64 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseRecordedBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

export async function startFakeOllama(opts: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const host = opts.host ?? '127.0.0.1';
  const state = new FakeState(opts);
  const openai = new OpenAIMode(opts.openai);
  const policy = new OriginPolicy(opts.origins ?? [], opts.defaultOrigins ?? true);
  const checkHost = (opts.checkHost ?? true) && isLoopbackHost(host);
  const sockets = new Set<Socket>();
  let down = false;
  let inFlight = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const time = Date.now();
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    const rawUrl = req.url ?? '/';
    const path = rawUrl.split('?')[0] || '/';
    const raw = await readBody(req);
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      url: rawUrl,
      headers: { ...req.headers },
      body: parseRecordedBody(raw),
      rawBody: raw,
      time,
    };
    state.requests.push(rec);
    if (res.destroyed) return;

    // OpenAI-compatible mode: its own CORS, Bearer key and routes under its base path
    if (openai.handles(path)) {
      inFlight++;
      try {
        await openai.handle({ req, res, raw, signal: ac.signal, tokensPerSecond: state.tokensPerSecond });
      } finally {
        inFlight--;
      }
      return;
    }

    if (applyCors(req, res, policy)) return;
    if (applyHostCheck(req, res, checkHost)) return;

    const method = req.method ?? 'GET';
    let route = ROUTES[path];
    if (!route && path.length > 1 && path.endsWith('/') && ROUTES[path.slice(0, -1)]) {
      // gin RedirectTrailingSlash
      res.statusCode = method === 'GET' ? 301 : 307;
      res.setHeader('Location', path.slice(0, -1));
      res.end();
      return;
    }
    if (!route) return sendText(res, 404, '404 page not found', 'text/plain');
    const handler = route[method];
    if (!handler) {
      res.setHeader('Allow', Object.keys(route).join(', '));
      return sendText(res, 405, '405 method not allowed', 'text/plain');
    }
    const ctx: RouteContext = { req, res, state, raw, signal: ac.signal };
    inFlight++;
    try {
      await handler(ctx);
    } finally {
      inFlight--;
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    if (down) {
      s.destroy();
      return;
    }
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      sockets.clear();
    });

  const port = await listen(opts.port ?? 0);
  const urlHost = isIP(host) === 6 ? `[${host}]` : host;

  const fake: FakeOllama = {
    url: `http://${urlHost}:${port}`,
    port,
    openai: openai.controller(`http://${urlHost}:${port}`),
    requests: state.requests,
    async close() {
      down = true;
      await stop();
    },
    clearRequests() {
      state.requests.length = 0;
    },
    setModels(m) {
      state.setModels(m);
    },
    addModel(m) {
      state.addModel(m);
    },
    modelNames() {
      return state.list().map((m) => m.name);
    },
    scriptChat(reply) {
      state.scripts.push(reply);
    },
    scriptEmbed(reply) {
      state.embedScripts.push(reply);
    },
    clearScripts() {
      state.scripts.length = 0;
      state.embedScripts.length = 0;
    },
    setPullable(names) {
      state.setPullable(names);
    },
    async setDown(d) {
      if (d === down) return;
      down = d;
      if (d) await stop();
      else await listen(port);
    },
    setOrigins(origins, defaults = true) {
      policy.set(origins, defaults);
    },
    inFlight() {
      return inFlight;
    },
    setTokensPerSecond(tps) {
      state.tokensPerSecond = tps;
    },
  };
  return fake;
}
