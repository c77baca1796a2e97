/**
 * The /sync endpoint of protocol v2: upgrades every request for /sync (the token comes in the
 * first frame, never in the URL), then each socket is a Connection. Refusals after the upgrade
 * are an `error` frame and a close code the app can explain (shared/sync/protocol.ts CLOSE).
 *
 * - Per address: MAX_CONNECTIONS_PER_IP sockets (counted from the request), else HTTP 429.
 * - hello within helloTimeoutMs, else 4408. Unknown or revoked token: 4401. Too many failed
 *   tokens from the address (auth-gate.ts): 4429. Account already at MAX_CONNECTIONS_PER_ACCOUNT: 4429.
 * - Tokens rotated or accounts removed (AccountStore.watch) close the sockets using them with 4401.
 * The token and the request URL are never logged.
 */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { CLOSE, MAX_FRAME_BYTES } from '../../shared/sync/protocol.ts';
import type { AccountStore } from '../accounts.ts';
import { clientAddress, type AuthGate } from '../auth-gate.ts';
import type { ChunkStore } from '../chunk-store/chunk-store.ts';
import { markAlive, startKeepalive, wireOf, type Wire } from '../keepalive.ts';
import { isLegacyAccount } from '../legacy.ts';
import type { AccountHub, HubStats } from './account-hub.ts';
import { collectGarbage, Hubs, type HubsOptions } from './hubs.ts';
import { Connection } from './connection.ts';
import { FairQueue } from './fair-queue.ts';
import { FramePool } from './frame-pool.ts';
import { AfterPulls } from './after-pulls.ts';

export const SYNC_PATH = '/sync';

export interface SyncEndpointOptions {
  accounts: AccountStore;
  store: ChunkStore;
  auth: AuthGate;
  dataDir: string;
  log: (line: string) => void;
  /** 0 = no limit */
  maxConnectionsPerAccount?: number;
  /** 0 = no limit */
  maxConnectionsPerIp?: number;
  /** 0 = no limit */
  maxAccountBytes?: number;
  /** per-account cap on bytes held in memory for its traffic (default 64 MiB) */
  maxBytesInFlight?: number;
  helloTimeoutMs?: number;
  keepAliveInterval?: number;
  trustProxy?: boolean;
  /** Added to every HTTP refusal (security headers). */
  headers?: Readonly<Record<string, string>>;
  /** open accounts' reclaim timer and what happens when the last one closes */
  hubs?: HubsOptions;
  /** what runs once a burst of pulls is over (default: full garbage collections, see after-pulls.ts) */
  afterPulls?: () => void;
}

export interface SyncEndpoint {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  revalidate(): Promise<void>;
  openSockets(): number;
  accounts(): Promise<HubStats[]>;
  /** disk tasks waiting in the fair queue, all accounts */
  diskTasksWaiting(): number;
  stop(): void;
  /** Closes every socket and account log. */
  close(): Promise<void>;
}

export const DEFAULT_BYTES_IN_FLIGHT = 64 * 1024 * 1024;

function refuse(socket: Duplex, status: number, body: string, extraHeaders: Record<string, string>): void {
  if (socket.destroyed) return;
  const text = `${body}\n`;
  const headers = { Connection: 'close', 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), 'Cache-Control': 'no-store', ...extraHeaders };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${head}\r\n${text}`);
  setTimeout(() => socket.destroy(), 1_000).unref();
}


export function createSyncEndpoint(opts: SyncEndpointOptions): SyncEndpoint {
  const { accounts, auth, log, trustProxy = false, headers = {} } = opts;
  const maxPerAccount = opts.maxConnectionsPerAccount ?? 0;
  const maxPerIp = opts.maxConnectionsPerIp ?? 0;
  const helloTimeoutMs = opts.helloTimeoutMs ?? 5_000;
  const frames = new FramePool();
  const afterPulls = new AfterPulls(opts.afterPulls ?? collectGarbage);
  const onAllClosed = opts.hubs?.onAllClosed ?? collectGarbage;
  const hubs = new Hubs(opts.store, opts.maxBytesInFlight ?? DEFAULT_BYTES_IN_FLIGHT, MAX_FRAME_BYTES, log, {
    ...opts.hubs,
    // With no account open, the frame buffers kept for reuse are given back too.
    onAllClosed: () => {
      frames.clear();
      onAllClosed();
    },
  });
  const queue = new FairQueue(2);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  const conns = new Map<WebSocket, Connection>();
  const perIp = new Map<string, number>();
  let stopped = false;

  const wires = new WeakMap<WebSocket, Wire>();
  const stopKeepalive = startKeepalive(wss, opts.keepAliveInterval ?? 5_000, () => {}, wires);

  const countIp = (ip: string, delta: number) => {
    const n = (perIp.get(ip) ?? 0) + delta;
    if (n > 0) perIp.set(ip, n);
    else perIp.delete(ip);
  };

  const ctx = {
    queue,
    frames,
    pullStarted: () => afterPulls.started(),
    pullEnded: () => afterPulls.ended(),
    log,
    maxAccountBytes: opts.maxAccountBytes ?? 0,
    claim: (id: string, keyId: string, workspace: string) => accounts.claim(id, keyId, workspace),
    closed(conn: Connection) {
      const hub = conn.hub;
      if (!hub) return;
      hub.leave(conn);
      hubs.release(hub);
    },
    async authenticate(conn: Connection, token: string) {
      const result = await auth.check(conn.ip, token);
      if (!result.ok) {
        log(`sync: refused a socket from ${conn.ip}: ${result.reason}`);
        if (result.status === 429) conn.fail(CLOSE.tooManyConnections, 'too many failed attempts; try again later');
        else conn.fail(CLOSE.tokenRefused, result.reason === 'token revoked' ? 'token revoked: pair this device again' : 'unknown token: pair this device again');
        return null;
      }
      const { account, tokenHash } = result;
      // Before the hub: nothing may be awaited between getting the hub and the socket joining it
      // (connection.ts, in the same microtask chain), or the account's last other socket could
      // close meanwhile and the hub close under this one (its reads then fail: close 1011).
      const legacy = await isLegacyAccount(opts.dataDir, account);
      let hub: AccountHub;
      try {
        hub = await hubs.get(account.id);
      } catch (err) {
        log(`sync: account "${account.name}": could not open its chunk log: ${err instanceof Error ? err.message : String(err)}`);
        conn.fail(1011, 'the relay cannot open this account now');
        return null;
      }
      if (maxPerAccount > 0 && hub.members.size >= maxPerAccount) {
        log(`sync: account "${account.name}": refused a socket from ${conn.ip}: already ${maxPerAccount} open (4429)`);
        conn.fail(CLOSE.tooManyConnections, 'too many connections for this account');
        hubs.release(hub);
        return null;
      }
      conn.tokenHash = tokenHash;
      log(`sync: account "${account.name}" connected from ${conn.ip} (${hub.members.size + 1} open)`);
      return { account, hub, legacy };
    },
  };

  function accept(ws: WebSocket, ip: string): void {
    const conn = new Connection(ws, ip, ctx);
    conns.set(ws, conn);
    ws.on('pong', () => markAlive(ws));
    ws.on('message', () => markAlive(ws));
    ws.on('error', () => ws.terminate());
    const timer = setTimeout(() => {
      // Only a socket that sent no hello: opening a large account's log may take longer.
      if (!conn.helloSeen) conn.fail(CLOSE.helloTimeout, 'no hello in time');
    }, helloTimeoutMs);
    timer.unref();
    ws.once('close', () => {
      clearTimeout(timer);
      conns.delete(ws);
    });
  }

  async function revalidateOnce(): Promise<void> {
    const byHash = new Map<string, string | null>();
    for (const conn of [...conns.values()]) {
      const hash = conn.tokenHash;
      const account = conn.account;
      if (!hash || !account) continue;
      if (!byHash.has(hash)) byHash.set(hash, (await accounts.byTokenHash(hash))?.id ?? null);
      if (byHash.get(hash) === account.id) continue;
      log(`sync: account "${account.name}": closed a socket whose token was rotated or removed (4401)`);
      conn.fail(CLOSE.tokenRefused, 'token revoked: pair this device again');
    }
  }

  let revalidating: Promise<void> | null = null;
  let again = false;

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      const ip = clientAddress(req, trustProxy);
      const url = new URL(req.url ?? '/', 'http://relay.invalid');
      const deny = (status: number, body: string, extra: Record<string, string> = {}) => refuse(socket, status, body, { ...headers, ...extra });
      if (url.pathname !== SYNC_PATH) return deny(404, 'Not found');
      if (stopped) return deny(503, 'Relay shutting down');
      if (maxPerIp > 0 && (perIp.get(ip) ?? 0) >= maxPerIp) {
        log(`sync: refused a connection from ${ip}: more than ${maxPerIp} connections from one address (429)`);
        return deny(429, 'Too many connections from this address', { 'Retry-After': '10' });
      }
      countIp(ip, 1);
      socket.once('close', () => countIp(ip, -1));
      const wire = wireOf(socket);
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (wire) wires.set(ws, wire);
        accept(ws, ip);
      });
    },
    revalidate() {
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
    openSockets: () => conns.size,
    accounts: () => hubs.stats(),
    diskTasksWaiting: () => queue.waiting(),
    stop() {
      stopped = true;
    },
    async close() {
      stopped = true;
      stopKeepalive();
      afterPulls.stop();
      for (const conn of conns.values()) conn.fail(CLOSE.goingAway, 'relay shutting down');
      for (const ws of conns.keys()) ws.terminate();
      wss.close();
      await hubs.closeAll();
    },
  };
}
