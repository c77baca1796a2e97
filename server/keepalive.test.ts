import { EventEmitter, once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import type WebSocket from 'ws';
import type { WebSocketServer } from 'ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BACKLOG_GRACE_TICKS, markAlive, startKeepalive, wireOf, type Wire } from './keepalive.ts';

/** What keepalive.ts does to a ws socket, recorded. */
class FakeSocket {
  pings = 0;
  terminated = false;
  ping(): void {
    this.pings++;
  }
  terminate(): void {
    this.terminated = true;
  }
}

/** A TCP socket's public output counters: `queued` bytes wait for the peer to read. */
class FakeWire implements Wire {
  bytesWritten = 0;
  writableLength = 0;
  queue(n: number): void {
    this.bytesWritten += n;
    this.writableLength += n;
  }
  /** The peer read `n` bytes of what was queued (the kernel accepted that many more). */
  peerReads(n: number): void {
    this.writableLength -= n;
  }
}

function fakeServer(sockets: FakeSocket[]): WebSocketServer {
  return Object.assign(new EventEmitter(), { clients: new Set(sockets) }) as unknown as WebSocketServer;
}

const wiresOf = (pairs: [FakeSocket, FakeWire][]) => new Map(pairs) as unknown as Map<WebSocket, Wire>;

describe('keepalive', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('terminates a socket that neither answers pings nor reads, and no other', () => {
    const silent = new FakeSocket();
    const answering = new FakeSocket();
    const terminated: unknown[] = [];
    const stop = startKeepalive(fakeServer([silent, answering]), 1_000, (ws) => terminated.push(ws), wiresOf([[silent, new FakeWire()], [answering, new FakeWire()]]));
    vi.advanceTimersByTime(1_000); // first tick: both pinged
    expect([silent.pings, answering.pings]).toEqual([1, 1]);
    markAlive(answering as unknown as WebSocket); // its pong
    vi.advanceTimersByTime(1_000);
    expect(silent.terminated).toBe(true);
    expect(answering.terminated).toBe(false);
    expect(terminated).toEqual([silent]);
    stop();
  });

  it('keeps a socket whose pong is stuck behind a backlog it is still reading', () => {
    const reading = new FakeSocket();
    const wire = new FakeWire();
    wire.queue(5_000_000); // megabytes queued to it
    const stop = startKeepalive(fakeServer([reading]), 1_000, () => {}, wiresOf([[reading, wire]]));
    for (let tick = 0; tick < 10; tick++) {
      wire.peerReads(64 * 1024); // no pong (it waits behind the backlog), but data moves
      vi.advanceTimersByTime(1_000);
    }
    expect(reading.terminated).toBe(false);
    // Once it stops reading too, it goes, after the grace a backlog gets.
    vi.advanceTimersByTime(BACKLOG_GRACE_TICKS * 1_000);
    expect(reading.terminated).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(reading.terminated).toBe(true);
    stop();
  });

  it('keeps a slow reader whose writes complete one whole frame every few ticks', () => {
    const slow = new FakeSocket();
    const wire = new FakeWire();
    wire.queue(8 * 1024 * 1024);
    const stop = startKeepalive(fakeServer([slow]), 1_000, () => {}, wiresOf([[slow, wire]]));
    for (let frame = 0; frame < 6; frame++) {
      vi.advanceTimersByTime(4_000); // four ticks with no write completed, no pong
      wire.peerReads(1024 * 1024); // then one frame's write completes
    }
    expect(slow.terminated).toBe(false);
    stop();
  });

  it('a socket that only receives more (the peer reads nothing) is not taken for a reader', () => {
    const stuck = new FakeSocket();
    const wire = new FakeWire();
    const stop = startKeepalive(fakeServer([stuck]), 1_000, () => {}, wiresOf([[stuck, wire]]));
    for (let tick = 0; tick < BACKLOG_GRACE_TICKS + 2; tick++) {
      wire.queue(64 * 1024); // the relay keeps writing; nothing leaves the queue
      vi.advanceTimersByTime(1_000);
    }
    expect(stuck.terminated).toBe(true);
    stop();
  });
});

describe('wireOf', () => {
  it('reads a real TCP socket: what the kernel accepted is written minus still queued', async () => {
    const server = createServer((s) => s.resume());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const wire = wireOf(socket);
    expect(wire).toBeDefined();
    await new Promise<void>((resolve, reject) => socket.write(Buffer.alloc(1024), (err) => (err ? reject(err) : resolve())));
    expect(wire!.bytesWritten - wire!.writableLength).toBe(1024);
    expect(wireOf(new EventEmitter())).toBeUndefined();
    socket.destroy();
    await new Promise((r) => server.close(r));
  });
});
