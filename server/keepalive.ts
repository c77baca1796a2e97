/**
 * Keepalive of the sync sockets: a socket that neither answers pings nor sends anything for a
 * whole interval is terminated (a device that vanished without closing its connection) — unless
 * it is still reading what the relay sends it.
 *
 * Why not the reference adapter's keepalive: its ping is queued behind everything already
 * queued to that socket. A new device fetching thousands of documents from a busy relay can
 * have seconds of data queued; its pong then comes back after the interval and the reference
 * adapter terminates a healthy connection mid-transfer, and every request still in flight on it
 * ends "unavailable" (measured: 7 of 10 connections terminated and 9,214 of 20,000 documents
 * lost that way in the relay-memory benchmark). Here, bytes the kernel accepted for the socket
 * since the last tick also count as a sign of life: they only move when the peer reads.
 */
import type WebSocket from 'ws';
import type { WebSocketServer } from 'ws';

type AliveSocket = WebSocket & { isAlive?: boolean };

/** The net.Socket fields that tell how much was handed to the kernel (Node internals, read defensively). */
interface NetInternals {
  _bytesDispatched?: unknown;
  _handle?: { writeQueueSize?: unknown } | null;
}

/** Bytes of this socket the kernel has accepted so far, or null where Node does not tell. */
function flushedBytes(ws: WebSocket): number | null {
  const net = (ws as unknown as { _socket?: NetInternals })._socket;
  const dispatched = net?._bytesDispatched;
  const queued = net?._handle?.writeQueueSize;
  return typeof dispatched === 'number' && typeof queued === 'number' ? dispatched - queued : null;
}

/**
 * Starts the keepalive on every socket of `wss`. Sockets are alive when they connect; a pong or a
 * message (mark them with `markAlive`) keeps them alive. Returns a function that stops it.
 */
export function startKeepalive(wss: WebSocketServer, intervalMs: number, onTerminate: (ws: WebSocket) => void): () => void {
  const lastFlushed = new WeakMap<WebSocket, number>();
  const timer = setInterval(() => {
    for (const ws of wss.clients as Set<AliveSocket>) {
      const flushed = flushedBytes(ws);
      const reading = flushed !== null && flushed > (lastFlushed.get(ws) ?? flushed);
      if (flushed !== null) lastFlushed.set(ws, flushed);
      if (ws.isAlive === false && !reading) {
        onTerminate(ws);
        ws.terminate();
        continue;
      }
      ws.isAlive = false;
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  wss.once('close', () => clearInterval(timer));
  return () => clearInterval(timer);
}

/** Records a sign of life from the peer (a pong or any message). */
export function markAlive(ws: WebSocket): void {
  (ws as AliveSocket).isAlive = true;
}
