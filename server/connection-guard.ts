/**
 * Caps on TCP connections, checked when a connection is accepted, before a byte is read:
 * - per client address (MAX_CONNECTIONS_PER_IP): plain HTTP and sync sockets alike, so slow or
 *   idle connections from one address cannot pile up; one more gets a plain
 *   "429 Too Many Requests" (on TLS, where nothing readable can be written before the
 *   handshake, it is just closed);
 * - in all (MAX_OPEN_CONNECTIONS, bounded by the open-file limit: config.ts): at the cap, a new
 *   connection closes the longest-idle plain HTTP connection (accepted, no request in
 *   progress, not a socket), so idle connections cannot shut out /healthz or a device; when
 *   every connection is busy or a socket, the new one is closed at once.
 * Invariant: every accepted connection is in `open` until its 'close' (or its eviction), so the
 * counts are exact. Sockets (upgraded connections) are never closed here: the sync endpoint owns
 * them. Connections are keyed by remote address and port, which the TCP socket and, over TLS,
 * the TLS socket the requests arrive on both report.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionGuardOptions {
  /** 0 = no cap */
  maxPerAddress: number;
  /** 0 = no cap */
  maxOpen: number;
  /** plain http: a refusal can be answered with a readable status line */
  plainHttp: boolean;
  /** behind a proxy every connection has the proxy's address: no per-address cap here */
  trustProxy: boolean;
  log: (line: string) => void;
}

export interface ConnectionGuard {
  /** The server's 'connection' listener. */
  onConnection(socket: Socket): void;
  /** The server's 'request' listener (before the handlers): marks the connection busy until the response ends. */
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  /** The server's 'upgrade' listener (before the endpoint): the connection becomes a socket. */
  onUpgrade(req: IncomingMessage): void;
  stats(): { open: number; addresses: number };
}

interface Entry {
  /** the accepted TCP socket (destroying it ends a TLS connection too) */
  socket: Socket;
  address: string;
  /** requests in progress on this connection */
  busy: number;
  upgraded: boolean;
}

const REFUSAL =
  'HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 10\r\nContent-Length: 40\r\n\r\nToo many connections from this address\r\n';

function addressOf(socket: Socket): string {
  const addr = socket.remoteAddress ?? 'unknown';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

function keyOf(socket: Socket): string | null {
  return socket.remoteAddress !== undefined && socket.remotePort !== undefined ? `${socket.remoteAddress}|${socket.remotePort}` : null;
}

export function createConnectionGuard(opts: ConnectionGuardOptions): ConnectionGuard {
  const { maxOpen, plainHttp, log } = opts;
  const maxPerAddress = opts.trustProxy ? 0 : opts.maxPerAddress;
  /** insertion order = age: the first idle one is the longest-idle candidate */
  const open = new Map<string, Entry>();
  const perAddress = new Map<string, number>();
  /** one log line per address until its count falls back (a flood must not flood the log) */
  const refusedLogged = new Set<string>();
  let evictionsLogged = false;

  const count = (address: string, delta: number): void => {
    const n = (perAddress.get(address) ?? 0) + delta;
    if (n > 0) perAddress.set(address, n);
    else {
      perAddress.delete(address);
      refusedLogged.delete(address);
    }
  };

  const refuse = (socket: Socket): void => {
    socket.on('error', () => socket.destroy());
    if (plainHttp) {
      socket.end(REFUSAL);
      // A peer that never reads must not keep the descriptor.
      setTimeout(() => socket.destroy(), 1_000).unref();
    } else {
      socket.destroy();
    }
  };

  /** Closes the connection with no request in progress that was opened first; false if there is none. */
  const evictIdle = (): boolean => {
    for (const [key, e] of open) {
      if (e.busy === 0 && !e.upgraded) {
        open.delete(key);
        count(e.address, -1);
        e.socket.destroy();
        return true;
      }
    }
    return false;
  };

  return {
    onConnection(socket) {
      const address = addressOf(socket);
      const key = keyOf(socket);
      if (key === null) {
        socket.destroy(); // already gone
        return;
      }
      if (maxPerAddress > 0 && (perAddress.get(address) ?? 0) >= maxPerAddress) {
        if (!refusedLogged.has(address)) {
          refusedLogged.add(address);
          log(`http: refusing connections from ${address}: already ${maxPerAddress} open (429)`);
        }
        refuse(socket);
        return;
      }
      if (maxOpen > 0 && open.size >= maxOpen && !evictIdle()) {
        log(`http: refused a connection from ${address}: ${maxOpen} open, none idle`);
        refuse(socket);
        return;
      }
      if (maxOpen > 0 && open.size >= maxOpen - 1 && !evictionsLogged) {
        evictionsLogged = true; // once per relay life: the cap is a setting to review, not news every time
        log(`http: ${maxOpen} connections open (MAX_OPEN_CONNECTIONS or the open-file limit): idle ones are closed for new ones`);
      }
      const entry: Entry = { socket, address, busy: 0, upgraded: false };
      open.set(key, entry);
      count(address, 1);
      socket.once('close', () => {
        if (open.get(key) !== entry) return; // evicted: already uncounted
        open.delete(key);
        count(address, -1);
      });
    },
    onRequest(req, res) {
      const key = keyOf(req.socket);
      const entry = key === null ? undefined : open.get(key);
      if (key === null || !entry) return;
      entry.busy++;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        entry.busy--;
        // Now idle: the oldest-first order counts from here.
        if (open.get(key) === entry) {
          open.delete(key);
          open.set(key, entry);
        }
      };
      res.once('finish', finish);
      res.once('close', finish);
    },
    onUpgrade(req) {
      const key = keyOf(req.socket);
      const entry = key === null ? undefined : open.get(key);
      if (entry) entry.upgraded = true;
    },
    stats() {
      return { open: open.size, addresses: perAddress.size };
    },
  };
}
