/**
 * Shared pieces of the relay integration tests: temp dirs, real automerge-repo clients over
 * real WebSockets, bounded waiting, and raw sockets for misbehaving clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Repo, cbor, isValidAutomergeUrl, type AutomergeUrl, type DocHandle, type PeerId, type StorageAdapterInterface } from '@automerge/automerge-repo';
import { BrowserWebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import WebSocket from 'ws';
import { afterEach } from 'vitest';
import { startRelay, syncUrl, type Relay } from '../../server/relay.ts';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls `cond` every `everyMs` until it is true. No deadline unless `timeoutMs` is given (then
 * it fails with `what`): how long a loaded machine takes is not the test's business, and a
 * condition never met is caught by the test timeout.
 */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = Infinity, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `atelier-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }) };
}

/** Runs every cleanup (last registered first) even if some fail, then reports the first failure. */
export async function runCleanups(cleanups: (() => unknown)[]): Promise<void> {
  let first: unknown = null;
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      first ??= err;
    }
  }
  if (first) throw first;
}

/**
 * A test file's cleanup list, run after each test, and `track` to close a client then.
 * Call once at the top level of the file.
 */
export function cleanupAfterEach(): {
  cleanups: (() => unknown)[];
  track: (client: Client) => Client;
  tempRelay: (prefix: string, options?: Partial<Parameters<typeof startRelay>[0]>) => Promise<{ tmp: { dir: string }; relay: Relay }>;
} {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    await runCleanups(cleanups);
  });
  const track = (client: Client): Client => {
    cleanups.push(() => client.close());
    return client;
  };
  /** A relay on a fresh data directory (port 0, no static files, silent unless `log` is given); both go after the test. */
  const tempRelay = async (prefix: string, options: Partial<Parameters<typeof startRelay>[0]> = {}) => {
    const tmp = tempDir(prefix);
    cleanups.push(tmp.remove);
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {}, ...options });
    cleanups.push(() => relay.close());
    return { tmp, relay };
  };
  return { cleanups, track, tempRelay };
}

export function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** Account.workspaceUrl is a plain string; checks it really is an automerge URL. */
export function automergeUrl(url: string): AutomergeUrl {
  if (!isValidAutomergeUrl(url)) throw new Error(`not an automerge URL: ${url}`);
  return url;
}

export interface Client {
  repo: Repo;
  peerId: string;
  /** Close codes and reasons of the sockets the relay closed (the adapter then reconnects). */
  closes: { code: number; reason: string }[];
  close(): Promise<void>;
}

let clientCounter = 0;

/**
 * A browser-like client: shares everything with the relay, reconnects every 200 ms. No storage
 * unless given one; with storage, the client announces a storage id and the relay keeps (and
 * loads from its disk) a sync state for it, as it does for the app's IndexedDB-backed clients.
 */
export function connectClient(
  relayUrl: string,
  token: string,
  peerId = `test-client-${process.pid}-${++clientCounter}`,
  opts: { storage?: StorageAdapterInterface } = {},
): Client {
  const adapter = new BrowserWebSocketClientAdapter(`${syncUrl(relayUrl)}?token=${encodeURIComponent(token)}`, 200);
  const closes: { code: number; reason: string }[] = [];
  const onClose = adapter.onClose;
  // The adapter registers `this.onClose` on each new socket; the listener gets the CloseEvent.
  adapter.onClose = ((ev?: { code?: number; reason?: string }) => {
    closes.push({ code: ev?.code ?? 0, reason: ev?.reason ?? '' });
    onClose();
  }) as typeof adapter.onClose;
  // The adapter drops its listeners from a socket still connecting when it retries; a refused
  // connection then has no 'error' listener and would throw (a relay restarting in a test).
  const connect = adapter.connect.bind(adapter);
  adapter.connect = (...args: Parameters<typeof adapter.connect>) => {
    connect(...args);
    (adapter.socket as unknown as WebSocket | undefined)?.on('error', () => {});
  };
  const repo = new Repo({ network: [adapter], storage: opts.storage, peerId: peerId as PeerId, sharePolicy: async () => true });
  let closed: Promise<void> | null = null;
  return {
    repo,
    peerId,
    closes,
    // Idempotent: the adapter's disconnect() asserts it still has a socket.
    close: () => (closed ??= repo.shutdown()),
  };
}

export function relayPeer(repo: Repo): PeerId | undefined {
  return repo.peers.find((p) => p.startsWith('relay-'));
}

/** find() once the relay is connected (before that, find() gives up as "unavailable"). */
export async function findOnRelay<T>(client: Client, url: string): Promise<DocHandle<T>> {
  const checked = automergeUrl(url);
  await waitFor(() => relayPeer(client.repo) !== undefined, 'the relay connection');
  return client.repo.find<T>(checked);
}

/**
 * Resolves once the relay has told this client (in a sync message) that it holds the
 * handle's current heads: what the app treats as "saved on the relay".
 */
export async function waitForAck(client: Client, handle: DocHandle<unknown>, timeoutMs = Infinity): Promise<void> {
  await waitFor(
    () => {
      const peer = relayPeer(client.repo);
      const storageId = peer ? client.repo.getStorageIdOfPeer(peer) : undefined;
      const info = storageId ? handle.getSyncInfo(storageId) : undefined;
      return info !== undefined && sameHeads(info.lastHeads, handle.heads());
    },
    'the relay to acknowledge the changes',
    timeoutMs,
    1,
  );
}

export async function waitConverged(a: DocHandle<unknown>, b: DocHandle<unknown>, timeoutMs = Infinity): Promise<void> {
  await waitFor(() => sameHeads(a.heads(), b.heads()), 'the clients to converge', timeoutMs);
}

/** Status code of a refused WebSocket upgrade (or 101 if it was accepted). */
export function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/** A raw, authenticated socket on /sync, for sending what no well-behaved client would. */
export async function rawSocket(relayUrl: string, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`${syncUrl(relayUrl)}?token=${encodeURIComponent(token)}`);
  ws.on('error', () => {}); // oversized frames may end in EPIPE/ECONNRESET on our side
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return ws;
}

export function closeCode(ws: WebSocket): Promise<number> {
  return closeInfo(ws).then((c) => c.code);
}

export function joinMessage(peerId: string): Uint8Array {
  return cbor.encode({ type: 'join', senderId: peerId, peerMetadata: {}, supportedProtocolVersions: ['1'] });
}

/** Resolves with the first decoded message the relay sends on a raw socket; rejects if it closes first. */
export function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onClose = (code: number) => reject(new Error(`socket closed (${code}) before a message`));
    ws.once('close', onClose);
    ws.once('message', (data: Buffer) => {
      ws.off('close', onClose);
      resolve(cbor.decode<Record<string, unknown>>(data));
    });
  });
}

export interface UpgradeResponse {
  /** 101 when the upgrade was accepted */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** the open socket when accepted (the caller closes it) */
  ws: WebSocket | null;
}

/** Tries an upgrade and reports the full answer (status, headers, body of a refusal). */
export function tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<UpgradeResponse> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ws: null });
        ws.terminate();
      });
    });
    ws.on('upgrade', (res) => {
      ws.once('open', () => resolve({ status: 101, headers: res.headers, body: '', ws }));
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/** Resolves with the close code and reason of a socket (no deadline: a socket never closed is the test timeout's to catch). */
export function closeInfo(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    if (ws.readyState === WebSocket.CLOSED) return reject(new Error('already closed'));
    ws.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() }));
  });
}
