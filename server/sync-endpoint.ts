/**
 * The /sync WebSocket endpoint: authenticates the upgrade request, then hands the socket to
 * the account's own WebSocketServer (whose adapter guards frames and binds peer ids).
 *
 * The token travels as `?token=` because browsers cannot set headers on a WebSocket. Refusals
 * are plain HTTP responses written before any upgrade, so a client sees a real 401.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AccountStore } from './accounts.ts';
import type { AccountRepos } from './account-repos.ts';

export const SYNC_PATH = '/sync';

export interface SyncEndpointOptions {
  accounts: AccountStore;
  repos: AccountRepos;
  log: (line: string) => void;
}

export interface SyncEndpoint {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Refuse new connections from now on (shutdown). */
  stop(): void;
}

/** Writes a complete HTTP response on a not-yet-upgraded socket and closes it. */
function refuse(socket: Duplex, status: number, extraHeaders: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const body = `${STATUS_CODES[status] ?? 'Error'}\n`;
  const headers = {
    Connection: 'close',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    ...extraHeaders,
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  // end() then destroy once flushed: destroying right away could drop the response.
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n${body}`);
  setTimeout(() => socket.destroy(), 1_000).unref();
}

export function createSyncEndpoint(opts: SyncEndpointOptions): SyncEndpoint {
  const { accounts, repos, log } = opts;
  let stopped = false;

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    if (url.pathname !== SYNC_PATH) {
      refuse(socket, 404);
      return;
    }
    if (stopped) {
      refuse(socket, 503);
      return;
    }
    const token = url.searchParams.get('token');
    if (!token) {
      log('sync: refused a connection without a token (401)');
      refuse(socket, 401);
      return;
    }
    // Looked up on every connection, so an account removed by the CLI is refused at once.
    const account = await accounts.byToken(token);
    if (!account) {
      log('sync: refused a connection with an unknown token (401)');
      refuse(socket, 401);
      return;
    }
    const { wss, adapter } = await repos.get(account.id);
    if (socket.destroyed) return; // the client gave up while the repo was opening
    if (stopped) {
      refuse(socket, 503);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      log(`sync: account "${account.name}" connected (${wss.clients.size} open)`);
      ws.once('close', (code: number) => {
        // A socket the guard closed has had its one log line already.
        if (!adapter.isRejected(ws)) log(`sync: account "${account.name}" disconnected (${code})`);
      });
      wss.emit('connection', ws, req);
    });
  }

  return {
    handleUpgrade(req, socket, head) {
      // Without a listener, a client resetting the connection mid-handshake would crash the process.
      socket.on('error', () => socket.destroy());
      upgrade(req, socket, head).catch((err: unknown) => {
        log(`sync: upgrade failed: ${err instanceof Error ? err.message : String(err)}`);
        refuse(socket, 500);
      });
    },
    stop() {
      stopped = true;
    },
  };
}
