/**
 * Node clients of the reference relay (bench/baseline-relay.ts): real automerge-repo Repos over
 * real WebSockets, like a device of the previous design (in-memory storage; shares everything
 * with the relay). Our relay's devices are in v2-device.ts. Plus the relay set-up of the figures.
 */
import { Repo, type AutomergeUrl, type Chunk, type DocHandle, type PeerId, type StorageAdapterInterface, type StorageKey } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { startRelay } from '../../server/relay.ts';
import { accountDocumentsDir } from '../../server/accounts.ts';
import { waitFor } from './common.ts';

/**
 * In-memory storage indexed by document. (automerge-repo's DummyStorageAdapter scans every key
 * on each loadRange: with thousands of documents the client, not the relay, becomes the bottleneck.)
 */
export class MemoryStorageAdapter implements StorageAdapterInterface {
  readonly #docs = new Map<string, Map<string, { key: StorageKey; data: Uint8Array }>>();

  #bucket(key: StorageKey, create: boolean) {
    const id = key[0] ?? '';
    let b = this.#docs.get(id);
    if (!b && create) this.#docs.set(id, (b = new Map()));
    return b;
  }

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    return this.#bucket(key, false)?.get(key.join('\0'))?.data;
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    this.#bucket(key, true)!.set(key.join('\0'), { key, data });
  }

  async remove(key: StorageKey): Promise<void> {
    this.#bucket(key, false)?.delete(key.join('\0'));
  }

  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    const b = this.#bucket(prefix, false);
    if (!b) return [];
    const out: Chunk[] = [];
    for (const { key, data } of b.values()) if (prefix.every((p, i) => key[i] === p)) out.push({ key, data });
    return out;
  }

  async removeRange(prefix: StorageKey): Promise<void> {
    const b = this.#bucket(prefix, false);
    if (!b) return;
    for (const [k, { key }] of b) if (prefix.every((p, i) => key[i] === p)) b.delete(k);
  }
}

export interface BenchClient {
  repo: Repo;
  peerId: string;
  /** resolves once the relay is a peer */
  connected(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export function connectClient(syncUrl: string, opts: { storageDir?: string; retryMs?: number; storage?: StorageAdapterInterface } = {}): BenchClient {
  const peerId = `bench-${process.pid}-${++counter}`;
  const adapter = new WebSocketClientAdapter(syncUrl, opts.retryMs ?? 1000);
  const repo = new Repo({
    network: [adapter],
    storage: opts.storage ?? (opts.storageDir ? new NodeFSStorageAdapter(opts.storageDir) : new MemoryStorageAdapter()),
    peerId: peerId as PeerId,
    sharePolicy: async () => true,
  });
  let closed: Promise<void> | null = null;
  return {
    repo,
    peerId,
    connected: (timeoutMs = 30_000) => waitFor(() => repo.peers.length > 0, `${peerId} to connect`, timeoutMs, 20),
    close: () =>
      (closed ??= (async () => {
        // disconnect() drops the socket's listeners and then closes it; a socket still
        // connecting then emits 'error' with no listener, which would crash this process.
        const socket = adapter.socket as unknown as { on?: (event: string, fn: () => void) => void } | undefined;
        socket?.on?.('error', () => {});
        try {
          adapter.disconnect();
        } catch {
          /* never connected */
        }
        // Repo.shutdown() would flush every handle; these clients keep nothing worth keeping.
      })()),
  };
}

/**
 * Relay settings for load figures: many clients come from 127.0.0.1 here, where they would come
 * from as many devices; the per-address connection limit would otherwise refuse them.
 */
export const LOAD_ENV: Record<string, string> = { MAX_CONNECTIONS_PER_IP: '0' };

/** Connects `n` clients, a few at a time (a burst of 100 upgrades at once is not what we measure). */
export async function connectMany(n: number, syncUrl: (i: number) => string, batch = 20): Promise<BenchClient[]> {
  const out: BenchClient[] = [];
  for (let i = 0; i < n; i += batch) {
    const group = Array.from({ length: Math.min(batch, n - i) }, (_, j) => connectClient(syncUrl(i + j)));
    await Promise.all(group.map((c) => c.connected()));
    out.push(...group);
  }
  return out;
}

export interface PreparedAccount {
  name: string;
  id: string;
  token: string;
  /** null until a first device claims the account (the relay makes no document) */
  workspaceUrl: string | null;
  /** the account's documents folder (NodeFSStorageAdapter layout) */
  docsDir: string;
}

/**
 * Creates accounts in a data folder for our relay (through startRelay, in this process, then
 * closed), so the relay under test starts on a folder that already has them.
 */
export async function prepareOurAccounts(dataDir: string, names: string[]): Promise<PreparedAccount[]> {
  const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir, staticDir: null, log: () => {} });
  try {
    const out: PreparedAccount[] = [];
    for (const name of names) {
      const { account, token } = await relay.accounts.create(name);
      out.push({ name, id: account.id, token, workspaceUrl: account.workspaceUrl, docsDir: accountDocumentsDir(dataDir, account.id) });
    }
    return out;
  } finally {
    await relay.close();
  }
}

function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** Resolves once the relay has told this client that it holds the handle's current heads. */
export async function waitForRelayAck(client: BenchClient, handle: DocHandle<unknown>, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    () => {
      const peer = client.repo.peers[0];
      const storageId = peer ? client.repo.getStorageIdOfPeer(peer) : undefined;
      const info = storageId ? handle.getSyncInfo(storageId) : undefined;
      return info !== undefined && sameHeads(info.lastHeads, handle.heads());
    },
    'the relay to acknowledge a document',
    timeoutMs,
    5,
  );
}

/** find(), retried a few times: a find that raced the relay leaves an "unavailable" handle behind. */
export async function findRetrying<T>(c: BenchClient, url: AutomergeUrl, attempts = 5): Promise<DocHandle<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await c.repo.find<T>(url);
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}
