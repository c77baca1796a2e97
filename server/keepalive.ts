/**
 * Keepalive of the sync sockets: a socket that neither answers pings nor sends anything for a
 * whole interval is terminated (a device that vanished without closing its connection) — unless
 * it is still reading what the relay sends it.
 *
 * Why not the reference adapter's keepalive: its ping is queued behind everything already
 * queued to that socket. A new device fetching thousands of documents from a busy relay can
 * have seconds of data queued; its pong then comes back after the interval and the reference
 * adapter terminates a healthy connection mid-transfer, and every request still in flight on it
 * ends "unavailable" (docs/decisions/2026-11-24-sync-keepalive.md). Here, bytes the
 * kernel accepted for the socket since the last tick also count as a sign of life: they only move
 * when the peer reads. They are read from the TCP socket's public stream counters, which the
 * endpoint hands in (`ws` does not expose its socket).
 */
import type WebSocket from 'ws';
import type { WebSocketServer } from 'ws';

/** The public counters of a socket's output (net.Socket and tls.TLSSocket have both). */
export interface Wire {
  /** bytes written to the socket so far, including those still queued */
  readonly bytesWritten: number;
  /** bytes still queued in the stream: not yet accepted by the kernel */
  readonly writableLength: number;
}

/** The TCP socket under an upgrade, when it is one (a test may hand in another Duplex). */
export function wireOf(socket: object): Wire | undefined {
  const w = socket as Partial<Wire>;
  return typeof w.bytesWritten === 'number' && typeof w.writableLength === 'number' ? (socket as Wire) : undefined;
}

/** Ticks without a completed write that a socket with bytes queued to it (and no pong) is given. */
export const BACKLOG_GRACE_TICKS = 6;

/** false once pinged, true again on a sign of life; sockets are alive when they connect */
const alive = new WeakMap<WebSocket, boolean>();

/**
 * Starts the keepalive on every socket of `wss`. Sockets are alive when they connect; a pong or a
 * message (mark them with `markAlive`) keeps them alive. Returns a function that stops it.
 */
export function startKeepalive(
  wss: WebSocketServer,
  intervalMs: number,
  onTerminate: (ws: WebSocket) => void,
  wires: { get(ws: WebSocket): Wire | undefined },
): () => void {
  const lastFlushed = new WeakMap<WebSocket, number>();
  const stalled = new WeakMap<WebSocket, number>();
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      const wire = wires.get(ws);
      // Accepted by the kernel: written, minus what the stream still holds (its in-flight write included).
      const flushed = wire ? wire.bytesWritten - wire.writableLength : null;
      const reading = flushed !== null && flushed > (lastFlushed.get(ws) ?? flushed);
      if (flushed !== null) lastFlushed.set(ws, flushed);
      // The counters move one whole write (up to a frame of about 1 MB) at a time: a slow reader
      // with a backlog queued shows progress only every few ticks, so it gets BACKLOG_GRACE_TICKS.
      const backlog = wire !== undefined && wire.writableLength > 0;
      const ticks = reading ? 0 : (stalled.get(ws) ?? 0) + 1;
      stalled.set(ws, ticks);
      if (alive.get(ws) === false && !reading && (!backlog || ticks > BACKLOG_GRACE_TICKS)) {
        onTerminate(ws);
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  wss.once('close', () => clearInterval(timer));
  return () => clearInterval(timer);
}

/** Records a sign of life from the peer (a pong or any message). */
export function markAlive(ws: WebSocket): void {
  alive.set(ws, true);
}
