/**
 * The /sync WebSocket endpoint: authenticates the upgrade request, then hands the socket to
 * the account's own WebSocketServer (whose adapter guards frames and binds peer ids).
 *
 * The token travels as `?token=` because browsers cannot set headers on a WebSocket. Refusals
 * before the upgrade are plain HTTP responses, so a client sees a real status:
 * - 429 + Retry-After: too many sockets from this address (MAX_CONNECTIONS_PER_IP, checked
 *   before the token so a flood costs nothing), or too many failed tokens (auth-gate.ts);
 * - 401: no token, an unknown one, or a revoked one (body "token revoked");
 * - 503: shutting down.
 * An account already at MAX_CONNECTIONS_PER_ACCOUNT gets its socket upgraded and closed at
 * once with 4429 and a reason, because a browser shows a close reason but never an HTTP status.
 *
 * Tokens rotated or accounts removed by the CLI (another process) are noticed through
 * AccountStore.watch: every socket is re-checked against the token it authenticated with
 * (kept as its sha256 only) and closed with 4401 when that token no longer works.
 * The token and the request URL are never logged.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { AccountStore } from './accounts.ts';
import type { AccountRepos } from './account-repos.ts';
import { clientAddress, type AuthGate } from './auth-gate.ts';
import { CLOSE } from './message-guard.ts';

export const SYNC_PATH = '/sync';

export interface SyncEndpointOptions {
  accounts: AccountStore;
  repos: AccountRepos;
  auth: AuthGate;
  log: (line: string) => void;
  /** 0 = no limit */
  maxConnectionsPerAccount?: number;
  /** 0 = no limit */
  maxConnectionsPerIp?: number;
  trustProxy?: boolean;
  /** Added to every refusal (security headers). */
  headers?: Readonly<Record<string, string>>;
}

export interface SyncEndpoint {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Re-checks every open socket's token; closes those that no longer work. */
  revalidate(): Promise<void>;
  /** Open sockets (authenticated and upgraded). */
  openSockets(): number;
  /** Refuse new connections from now on (shutdown). */
  stop(): void;
}

interface Connection {
  accountId: string;
  accountName: string;
  tokenHash: string;
}

/** Writes a complete HTTP response on a not-yet-upgraded socket and closes it. */
function refuse(socket: Duplex, status: number, body: string, extraHeaders: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const text = `${body}\n`;
  const headers = {
    Connection: 'close',
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...extraHeaders,
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  // end() then destroy once flushed: destroying right away could drop the response.
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n${text}`);
  setTimeout(() => socket.destroy(), 1_000).unref();
}

export function createSyncEndpoint(opts: SyncEndpointOptions): SyncEndpoint {
  const { accounts, repos, auth, log, trustProxy = false, headers = {} } = opts;
  const maxPerAccount = opts.maxConnectionsPerAccount ?? 0;
  const maxPerIp = opts.maxConnectionsPerIp ?? 0;
  const live = new Map<WebSocket, Connection>();
  /** sockets per client address, counted from the upgrade request until the socket closes */
  const perIp = new Map<string, number>();
  /** upgrades and closes the sockets refused for the per-account limit */
  const refusals = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  let stopped = false;

  const countIp = (ip: string, delta: number) => {
    const n = (perIp.get(ip) ?? 0) + delta;
    if (n > 0) perIp.set(ip, n);
    else perIp.delete(ip);
  };

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ip: string): Promise<void> {
    const deny = (status: number, body: string, extra: Record<string, string> = {}) => refuse(socket, status, body, { ...headers, ...extra });
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    if (url.pathname !== SYNC_PATH) return deny(404, 'Not found');
    if (stopped) return deny(503, 'Relay shutting down');
    if (maxPerIp > 0 && (perIp.get(ip) ?? 0) > maxPerIp) {
      log(`sync: refused a connection from ${ip}: more than ${maxPerIp} connections from one address (429)`);
      return deny(429, 'Too many connections from this address', { 'Retry-After': '10' });
    }
    // Looked up on every connection, so an account removed by the CLI is refused at once.
    const result = await auth.check(ip, url.searchParams.get('token'));
    if (!result.ok) {
      log(`sync: refused a connection from ${ip}: ${result.reason} (${result.status})`);
      if (result.status === 429) return deny(429, 'Too many failed attempts; try again later', { 'Retry-After': String(result.retryAfterS ?? 60) });
      return deny(401, result.reason === 'token revoked' ? 'Token revoked: pair this device again' : 'Unauthorized');
    }
    const { account, tokenHash } = result;
    if (stopped) return deny(503, 'Relay shutting down');
    if (socket.destroyed) return;
    if (maxPerAccount > 0 && repos.connections(account.id) >= maxPerAccount) {
      log(`sync: account "${account.name}": refused a connection from ${ip}: already ${maxPerAccount} open (4429)`);
      refusals.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => ws.terminate());
        ws.close(CLOSE.tooManyConnections, 'too many connections for this account');
        setTimeout(() => ws.terminate(), 2_000).unref();
      });
      return;
    }
    // Counted as the account's connection until the TCP socket closes (before or after the
    // upgrade), so the account is neither closed for idleness meanwhile nor over its limit.
    repos.retain(account.id);
    socket.once('close', () => repos.release(account.id));
    const { wss, adapter } = await repos.get(account.id);
    if (socket.destroyed) return; // the client gave up while the repo was opening
    if (stopped) return deny(503, 'Relay shutting down');
    wss.handleUpgrade(req, socket, head, (ws) => {
      live.set(ws, { accountId: account.id, accountName: account.name, tokenHash });
      log(`sync: account "${account.name}" connected from ${ip} (${repos.connections(account.id)} open)`);
      ws.once('close', (code: number) => {
        live.delete(ws);
        // A socket the guard closed has had its one log line already.
        if (!adapter.isRejected(ws)) log(`sync: account "${account.name}" disconnected (${code})`);
      });
      wss.emit('connection', ws, req);
    });
  }

  let revalidating: Promise<void> | null = null;
  let again = false;
  async function revalidateOnce(): Promise<void> {
    const byHash = new Map<string, string | null>();
    for (const [ws, conn] of [...live]) {
      if (!byHash.has(conn.tokenHash)) byHash.set(conn.tokenHash, (await accounts.byTokenHash(conn.tokenHash))?.id ?? null);
      if (byHash.get(conn.tokenHash) === conn.accountId) continue;
      if (ws.readyState !== WebSocket.OPEN && ws.readyState !== WebSocket.CONNECTING) continue;
      log(`sync: account "${conn.accountName}": closed a connection whose token was rotated or removed (4401)`);
      live.delete(ws);
      ws.close(CLOSE.tokenRevoked, 'token no longer valid');
      setTimeout(() => ws.terminate(), 2_000).unref();
    }
  }

  return {
    handleUpgrade(req, socket, head) {
      // Without a listener, a client resetting the connection mid-handshake would crash the process.
      socket.on('error', () => socket.destroy());
      // Counted from the request until the TCP socket closes (refused, or the WebSocket ended).
      const ip = clientAddress(req, trustProxy);
      countIp(ip, 1);
      socket.once('close', () => countIp(ip, -1));
      upgrade(req, socket, head, ip).catch((err: unknown) => {
        log(`sync: upgrade failed: ${err instanceof Error ? err.message : String(err)}`);
        refuse(socket, 500, 'Internal error', { ...headers });
      });
    },
    revalidate() {
      // Coalesce: one pass at a time, and one more if a change arrived during it.
      if (revalidating) {
        again = true;
        return revalidating;
      }
      revalidating = (async () => {
        try {
          do {
            again = false;
            await revalidateOnce();
          } while (again);
        } catch (err) {
          log(`sync: could not re-check tokens (${err instanceof Error ? err.message : String(err)})`);
        } finally {
          revalidating = null;
        }
      })();
      return revalidating;
    },
    openSockets() {
      return live.size;
    },
    stop() {
      stopped = true;
      refusals.close();
    },
  };
}
