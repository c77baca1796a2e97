/**
 * startRelay: one HTTP(S) server carrying the static client, the JSON API and the /sync
 * WebSocket endpoint (protocol v2, server/sync/), with each account's encrypted chunk log behind it. Used by main.ts, by the start
 * script and by tests (port 0 picks a free port; limits and idle timeouts can be shortened).
 */
import { promises as fsp } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEFAULT_LIMITS, relayOrigin, type RelayLimits } from './config.ts';
import { FileAccountStore, type AccountStore } from './accounts.ts';
import { AuthGate, type GateClock } from './auth-gate.ts';
import type { ChunkStore } from './chunk-store/chunk-store.ts';
import { FilesChunkStore } from './chunk-store/files-store.ts';
import { createApiHandler } from './http-api.ts';
import { securityHeaders } from './security-headers.ts';
import { createStaticHandler } from './static.ts';
import type { HubStats } from './sync/account-hub.ts';
import { createSyncEndpoint, SYNC_PATH } from './sync/endpoint.ts';

export interface RelayOptions {
  port: number;
  host: string;
  dataDir: string;
  staticDir?: string | null;
  tls?: { cert: string; key: string } | null;
  log?: (line: string) => void;
  /** Defaults: DEFAULT_LIMITS (config.ts). */
  limits?: Partial<RelayLimits>;
  trustProxy?: boolean;
  /** How often the accounts file is polled for rotations besides fs.watch (default 1000 ms). */
  accountsPollMs?: number;
  /** Ping interval of the sync sockets (default 5000 ms). */
  keepAliveInterval?: number;
  /** The auth gate's clock (default: the system clock); tests step a manual one. */
  authClock?: GateClock;
  /** The accounts' chunk logs (default: local files under DATA_DIR); tests wrap it to simulate a full disk. */
  chunkStore?: ChunkStore;
  /** How long dropped chunks stay recoverable (DROPPED_GRACE_MS, default 7 days). */
  droppedGraceMs?: number;
  /** Per-account cap on bytes of its traffic held in memory (default 64 MiB). */
  maxBytesInFlight?: number;
  /** Time allowed for a socket's hello (default 5000 ms). */
  helloTimeoutMs?: number;
}

export interface RelayStats {
  openSockets: number;
  /** accounts whose chunk log is open */
  accounts: HubStats[];
  /** disk tasks (part writes, reads for pulls) waiting their turn, all accounts */
  diskTasksWaiting: number;
}

export interface Relay {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  accounts: AccountStore;
  /** What is loaded now (for tests and benchmarks). */
  stats(): Promise<RelayStats>;
  /** Stops accepting, disconnects clients and closes every account's log. */
  close(): Promise<void>;
}

/** The WebSocket URL clients sync with, from the relay's http(s) URL. */
export function syncUrl(relayUrl: string): string {
  return `${relayUrl.replace(/^http/, 'ws')}${SYNC_PATH}`;
}

export async function startRelay(opts: RelayOptions): Promise<Relay> {
  const log = opts.log ?? ((line: string) => console.log(`[relay] ${line}`));
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const tls = Boolean(opts.tls);
  const headers = securityHeaders(tls);
  await fsp.mkdir(opts.dataDir, { recursive: true, mode: 0o700 });

  const accounts = new FileAccountStore({
    dataDir: opts.dataDir,
    // The relay cannot read documents: the workspace URL comes from the first device (set-key).
    createWorkspace: async () => '',
    pollMs: opts.accountsPollMs,
  });
  await accounts.list(); // a corrupt accounts.json should stop the start, not the first connection

  const auth = new AuthGate(accounts, limits, log, opts.authClock);
  const api = createApiHandler({ auth, trustProxy: opts.trustProxy, dataDir: opts.dataDir });
  const serveStatic = createStaticHandler(opts.staticDir ?? null);
  const store = opts.chunkStore ?? new FilesChunkStore({ dataDir: opts.dataDir, graceMs: opts.droppedGraceMs, log });
  const endpoint = createSyncEndpoint({
    accounts,
    store,
    auth,
    dataDir: opts.dataDir,
    log,
    maxConnectionsPerAccount: limits.maxConnectionsPerAccount,
    maxConnectionsPerIp: limits.maxConnectionsPerIp,
    maxAccountBytes: limits.maxAccountBytes,
    maxBytesInFlight: opts.maxBytesInFlight,
    helloTimeoutMs: opts.helloTimeoutMs,
    keepAliveInterval: opts.keepAliveInterval,
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
        await endpoint.close();
      } finally {
        server.closeAllConnections();
        await serverClosed;
      }
      log('stopped; every account log closed');
    })();
    return closing;
  };

  return {
    url,
    port,
    accounts,
    stats: async () => ({ openSockets: endpoint.openSockets(), accounts: await endpoint.accounts(), diskTasksWaiting: endpoint.diskTasksWaiting() }),
    close,
  };
}
