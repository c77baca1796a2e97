import { EventEmitter } from 'node:events';
import type WebSocket from 'ws';
import type { WebSocketServer } from 'ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { markAlive, startKeepalive } from './keepalive.ts';

/** What keepalive.ts reads of a ws socket, and a record of what it did to it. */
class FakeSocket {
  isAlive?: boolean;
  pings = 0;
  terminated = false;
  _socket = { _bytesDispatched: 0, _handle: { writeQueueSize: 0 } };
  ping(): void {
    this.pings++;
  }
  terminate(): void {
    this.terminated = true;
  }
  /** The peer read `n` bytes of what was queued (the kernel accepted that many more). */
  peerReads(n: number): void {
    this._socket._bytesDispatched += n;
  }
}

function fakeServer(sockets: FakeSocket[]): WebSocketServer {
  return Object.assign(new EventEmitter(), { clients: new Set(sockets) }) as unknown as WebSocketServer;
}

describe('keepalive', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('terminates a socket that neither answers pings nor reads, and no other', () => {
    const silent = new FakeSocket();
    const answering = new FakeSocket();
    const terminated: unknown[] = [];
    const stop = startKeepalive(fakeServer([silent, answering]), 1_000, (ws) => terminated.push(ws));
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
    reading._socket._handle.writeQueueSize = 5_000_000; // megabytes queued to it
    const stop = startKeepalive(fakeServer([reading]), 1_000, () => {});
    for (let tick = 0; tick < 10; tick++) {
      reading.peerReads(64 * 1024); // no pong (it waits behind the backlog), but data moves
      vi.advanceTimersByTime(1_000);
    }
    expect(reading.terminated).toBe(false);
    // Once it stops reading too, it goes.
    vi.advanceTimersByTime(2_000);
    expect(reading.terminated).toBe(true);
    stop();
  });
});
