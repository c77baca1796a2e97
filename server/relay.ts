/**
 * startRelay: one HTTP(S) server carrying the static client, the JSON API and the /sync
 * WebSocket endpoint (protocol v2, server/sync/), with each account's encrypted chunk log behind it. Used by main.ts, by the start
 * script and by tests (port 0 picks a free port; limits and idle timeouts can be shortened).
 */
import { promises as fsp, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEFAULT_LIMITS, effectiveMaxConnections, parseOpenFileLimit, relayOrigin, type RelayLimits } from './config.ts';
import { FileAccountStore, type AccountStore } from './accounts.ts';
import { AuthGate, type GateClock } from './auth-gate.ts';
import type { ChunkStore } from './chunk-store/chunk-store.ts';
import { FilesChunkStore } from './chunk-store/files-store.ts';
import { openDatabase } from './pg/open.ts';
import { createConnectionGuard } from './connection-guard.ts';
import { checkDataDir } from './data-dir.ts';
import { createApiHandler } from './http-api.ts';
import { securityHeaders } from './security-headers.ts';
import { createStaticHandler } from './static.ts';
import { syncUrl } from './relay-url.ts';
import type { HubStats } from './sync/account-hub.ts';
import { createSyncEndpoint } from './sync/endpoint.ts';

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
  /** The process's open-file limit (default: read from /proc/self/limits; null: unknown). */
  openFileLimit?: number | null;
  /** The accounts' chunk logs (default: local files under DATA_DIR); tests wrap it to simulate a full disk. */
  chunkStore?: ChunkStore;
  /** How long dropped chunks stay recoverable (DROPPED_GRACE_MS, default 7 days). */
  droppedGraceMs?: number;
  /** Per-account cap on bytes of its traffic held in memory (default 64 MiB). */
  maxBytesInFlight?: number;
  /**
   * DATABASE_URL: accounts and chunk logs in PostgreSQL (shared by every relay on that database)
   * instead of DATA_DIR's files. Null/absent: local files.
   */
  databaseUrl?: string | null;
  /** With a database: how often this relay re-announces its presence counts to the others (default 20 s). */
  presenceHeartbeatMs?: number;
  /** Time allowed for a socket's hello (default 5000 ms). */
  helloTimeoutMs?: number;
}

export interface RelayStats {
  openSockets: number;
  /** TCP connections open (plain HTTP and sockets), and the cap in force (0: none) */
  connections: { open: number; addresses: number; max: number };
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

/** The soft open-file limit of this process (Linux), or null where it cannot be read. */
function readOpenFileLimit(): number | null {
  try {
    return parseOpenFileLimit(readFileSync('/proc/self/limits', 'utf8'));
  } catch {
    return null;
  }
}

export { syncUrl } from './relay-url.ts';

export async function startRelay(opts: RelayOptions): Promise<Relay> {
  const log = opts.log ?? ((line: string) => console.log(`[relay] ${line}`));
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const tls = Boolean(opts.tls);
  const headers = securityHeaders(tls);
  await checkDataDir(opts.dataDir);

  const db = opts.databaseUrl ? openDatabase(opts.databaseUrl, { graceMs: opts.droppedGraceMs, presenceHeartbeatMs: opts.presenceHeartbeatMs }, log) : null;
  const accounts: AccountStore = db?.accounts ?? new FileAccountStore({ dataDir: opts.dataDir, pollMs: opts.accountsPollMs });
  try {
    // A corrupt accounts.json (or a database that cannot be reached or migrated) stops the start, not the first connection.
    await accounts.list();
    await db?.chunks.start();
  } catch (err) {
    await db?.close();
    if (!db) throw err;
    // The URL may hold a password: never in the message.
    throw new Error(`could not reach or prepare the database of DATABASE_URL: ${err instanceof Error ? err.message : String(err)}`);
  }

  const auth = new AuthGate(accounts, limits, log, opts.authClock);
  const api = createApiHandler({ auth, trustProxy: opts.trustProxy, dataDir: opts.dataDir, accounts });
  const serveStatic = createStaticHandler(opts.staticDir ?? null);
  const store = opts.chunkStore ?? db?.chunks ?? new FilesChunkStore({ dataDir: opts.dataDir, graceMs: opts.droppedGraceMs, log });
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
    ...(db ? { hubs: { ephBridge: db.chunks.ephBridge, presenceBridge: db.presence } } : {}),
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

  const maxOpen = effectiveMaxConnections(limits.maxOpenConnections, opts.openFileLimit === undefined ? readOpenFileLimit() : opts.openFileLimit);
  const guard = createConnectionGuard({ maxPerAddress: limits.maxConnectionsPerIp, maxOpen, plainHttp: !tls, trustProxy: opts.trustProxy ?? false, log });
  // Slow or idle connections are closed (config.ts): headers and the whole request have a
  // deadline, and a connection without traffic mid-request is dropped. The check runs often
  // enough for the shortest of them.
  const serverOptions: http.ServerOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs || 1_000, limits.requestTimeoutMs || 1_000) / 4))),
  };
  const server = opts.tls
    ? https.createServer({ ...serverOptions, cert: await fsp.readFile(opts.tls.cert), key: await fsp.readFile(opts.tls.key), handshakeTimeout: limits.headersTimeoutMs || 120_000 }, onRequest)
    : http.createServer(serverOptions, onRequest);
  server.timeout = limits.idleConnectionMs;
  // Registered before the handlers: the guard sees every connection, request and upgrade first.
  server.prependListener('connection', (socket) => guard.onConnection(socket));
  server.prependListener('request', (req, res) => guard.onRequest(req, res));
  server.on('upgrade', (req: http.IncomingMessage, socket, head: Buffer) => {
    guard.onUpgrade(req);
    endpoint.handleUpgrade(req, socket, head);
  });
  // Malformed or too slow HTTP: answer 400 / 408 with the same headers instead of Node's bare default.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const extra = Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n${extra}\r\n`);
    setTimeout(() => socket.destroy(), 1_000).unref();
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
  log(`listening on ${url} (sync at ${syncUrl(url)}, data in ${db ? 'PostgreSQL (DATABASE_URL)' : opts.dataDir}; at most ${maxOpen || 'unlimited'} connections)`);

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
        await db?.close();
      }
      log('stopped; every account log closed');
    })();
    return closing;
  };

  return {
    url,
    port,
    accounts,
    stats: async () => ({
      openSockets: endpoint.openSockets(),
      connections: { ...guard.stats(), max: maxOpen },
      accounts: await endpoint.accounts(),
      diskTasksWaiting: endpoint.diskTasksWaiting(),
    }),
    close,
  };
}
