/**
 * The sync engine's socket in Node (the `ws` package), for test devices that run the app's
 * engine outside a browser: integration tests and e2e seeders.
 */
import WebSocket from 'ws';
import type { SocketFactory } from '../client/sync/engine/relay-socket.ts';

export const nodeSocket: SocketFactory = (url, h) => {
  const ws = new WebSocket(url);
  let closed = false;
  ws.on('open', () => h.open());
  ws.on('message', (d: Buffer) => h.message(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
  ws.on('close', (code) => {
    if (closed) return;
    closed = true;
    h.close(code);
  });
  ws.on('error', () => undefined); // a close event follows
  return {
    send: (bytes) => ws.send(bytes),
    close: (code) => ws.close(code),
    bufferedAmount: () => ws.bufferedAmount,
  };
};
