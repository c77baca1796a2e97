/**
 * startRelay: one HTTP(S) server carrying the static client, the JSON API and the /sync
 * WebSocket endpoint, with one Repo per account behind it. Used by main.ts, by the start
 * script and by tests (port 0 picks a free port).
 */
import { promises as fsp } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { relayOrigin } from './config.ts';
import { FileAccountStore, type AccountStore } from './accounts.ts';
import { AccountRepos } from './account-repos.ts';
import { createApiHandler } from './http-api.ts';
import { createStaticHandler } from './static.ts';
import { createSyncEndpoint, SYNC_PATH } from './sync-endpoint.ts';

export interface RelayOptions {
  port: number;
  host: string;
  dataDir: string;
  staticDir?: string | null;
  tls?: { cert: string; key: string } | null;
  log?: (line: string) => void;
}

export interface Relay {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  port: number;
  accounts: AccountStore;
  /** Stops accepting, disconnects clients and flushes every repo to storage. */
  close(): Promise<void>;
}

/** The WebSocket URL clients sync with, from the relay's http(s) URL. */
export function syncUrl(relayUrl: string): string {
  return `${relayUrl.replace(/^http/, 'ws')}${SYNC_PATH}`;
}

export async function startRelay(opts: RelayOptions): Promise<Relay> {
  const log = opts.log ?? ((line: string) => console.log(`[relay] ${line}`));
  await fsp.mkdir(opts.dataDir, { recursive: true, mode: 0o700 });

  const repos = new AccountRepos({ dataDir: opts.dataDir, log });
  const accounts = new FileAccountStore({
    dataDir: opts.dataDir,
    createWorkspace: (accountId, name) => repos.createWorkspace(accountId, name),
  });
  await accounts.list(); // a corrupt accounts.json should stop the start, not the first connection

  const api = createApiHandler(accounts);
  const serveStatic = createStaticHandler(opts.staticDir ?? null);
  const endpoint = createSyncEndpoint({ accounts, repos, log });

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
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
  const url = relayOrigin(opts.host, port, Boolean(opts.tls));
  log(`listening on ${url} (sync at ${syncUrl(url)}, data in ${opts.dataDir})`);

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      endpoint.stop();
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

  return { url, port, accounts, close };
}
