/**
 * startRelay: one HTTP(S) server carrying the static client, the JSON API and the /sync
 * WebSocket endpoint, with one Repo per account behind it. Used by main.ts, by the start
 * script and by tests (port 0 picks a free port; limits and idle timeouts can be shortened).
 */
import { promises as fsp } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { StorageAdapterInterface } from '@automerge/automerge-repo';
import { DEFAULT_IDLE, DEFAULT_LIMITS, relayOrigin, type IdleOptions, type RelayLimits } from './config.ts';
import { FileAccountStore, type AccountStore } from './accounts.ts';
import { AccountRepos, type AccountStats } from './account-repos.ts';
import { AuthGate, type GateClock } from './auth-gate.ts';
import { createApiHandler } from './http-api.ts';
import { collectGarbage } from './memory.ts';
import { securityHeaders } from './security-headers.ts';
import { createStaticHandler } from './static.ts';
import { createSyncEndpoint, SYNC_PATH } from './sync-endpoint.ts';

export interface RelayOptions {
  port: number;
  host: string;
  dataDir: string;
  staticDir?: string | null;
  tls?: { cert: string; key: string } | null;
  log?: (line: string) => void;
  /** Defaults: DEFAULT_LIMITS (config.ts). */
  limits?: Partial<RelayLimits>;
  /** Defaults: DEFAULT_IDLE (config.ts); null turns idle unloading off. */
  idle?: Partial<IdleOptions> | null;
  trustProxy?: boolean;
  /** How often the accounts file is polled for rotations besides fs.watch (default 1000 ms). */
  accountsPollMs?: number;
  /** Ping interval of the sync sockets (default 5000 ms). */
  keepAliveInterval?: number;
  /** The auth gate's clock (default: the system clock); tests step a manual one. */
  authClock?: GateClock;
  /** Wraps each account's file storage: tests simulate a full disk with it. */
  wrapStorage?: (accountId: string, storage: StorageAdapterInterface) => StorageAdapterInterface;
}

export interface RelayStats {
  openSockets: number;
  /** accounts whose Repo is loaded */
  accounts: AccountStats[];
}

export interface Relay {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  accounts: AccountStore;
  /** What is loaded now (for tests and benchmarks). */
  stats(): Promise<RelayStats>;
  /** Runs one idle-unloading pass now (tests). */
  sweep(): Promise<void>;
  /** Stops accepting, disconnects clients and flushes every repo to storage. */
  close(): Promise<void>;
}

/** The WebSocket URL clients sync with, from the relay's http(s) URL. */
export function syncUrl(relayUrl: string): string {
  return `${relayUrl.replace(/^http/, 'ws')}${SYNC_PATH}`;
}

export async function startRelay(opts: RelayOptions): Promise<Relay> {
  const log = opts.log ?? ((line: string) => console.log(`[relay] ${line}`));
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const idle: IdleOptions | null = opts.idle === null ? null : { ...DEFAULT_IDLE, ...opts.idle };
  const tls = Boolean(opts.tls);
  const headers = securityHeaders(tls);
  await fsp.mkdir(opts.dataDir, { recursive: true, mode: 0o700 });

  const repos = new AccountRepos({
    dataDir: opts.dataDir,
    log,
    maxMessageBytes: limits.maxFrameBytes > 0 ? limits.maxFrameBytes : undefined,
    keepAliveInterval: opts.keepAliveInterval,
    maxDocumentsPerAccount: limits.maxDocumentsPerAccount,
    maxAccountBytes: limits.maxAccountBytes,
    idle,
    wrapStorage: opts.wrapStorage,
    // Every account idle and closed: give the memory back now (memory.ts).
    onAllClosed: () => setTimeout(() => collectGarbage(), 100).unref(),
  });
  const accounts = new FileAccountStore({
    dataDir: opts.dataDir,
    createWorkspace: (accountId, name) => repos.createWorkspace(accountId, name),
    pollMs: opts.accountsPollMs,
  });
  await accounts.list(); // a corrupt accounts.json should stop the start, not the first connection

  const auth = new AuthGate(accounts, limits, log, opts.authClock);
  const api = createApiHandler({ auth, trustProxy: opts.trustProxy, dataDir: opts.dataDir });
  const serveStatic = createStaticHandler(opts.staticDir ?? null);
  const endpoint = createSyncEndpoint({
    accounts,
    repos,
    auth,
    log,
    maxConnectionsPerAccount: limits.maxConnectionsPerAccount,
    maxConnectionsPerIp: limits.maxConnectionsPerIp,
    trustProxy: opts.trustProxy,
    headers,
  });
  const stopWatching = accounts.watch(() => void endpoint.revalidate());

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    // Every response carries them, whichever handler writes it (writeHead merges these in).
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    api(req, res)
      .then((handled) => {
        if (!handled) serveStatic(req, res);
      })
      .catch((err: unknown) => {
        log(`http: ${req.method ?? '?'} failed: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Internal error\n');
      });
  };

  const server = opts.tls
    ? https.createServer({ cert: await fsp.readFile(opts.tls.cert), key: await fsp.readFile(opts.tls.key) }, onRequest)
    : http.createServer(onRequest);
  server.on('upgrade', (req: http.IncomingMessage, socket, head: Buffer) => endpoint.handleUpgrade(req, socket, head));
  // Malformed HTTP: answer 400 with the same headers instead of Node's bare default.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n${extra}\r\n`);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => log(`http server error: ${err.message}`));

  const port = (server.address() as AddressInfo).port;
  const url = relayOrigin(opts.host, port, tls);
  log(`listening on ${url} (sync at ${syncUrl(url)}, data in ${opts.dataDir})`);

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      endpoint.stop();
      stopWatching();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      try {
        await repos.closeAll();
      } finally {
        server.closeAllConnections();
        await serverClosed;
      }
      log('stopped; all documents flushed');
    })();
    return closing;
  };

  return {
    url,
    port,
    accounts,
    stats: async () => ({ openSockets: endpoint.openSockets(), accounts: await repos.stats() }),
    sweep: () => repos.sweep(),
    close,
  };
}
