/**
 * Devices for the sync engine's tests: a real automerge-repo Repo on real files (NodeFS), the
 * storage wrapper that marks saved documents for upload, and the engine over a real WebSocket.
 */
import { Repo, type AutomergeUrl, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { JournaledStorage } from '../../client/repo/journaled-storage.ts';
import { createSyncLedger, type SyncLedger } from '../../client/sync/sync-ledger.ts';
import { startSyncEngine, type EngineSnapshot, type LegacyMigration, type SyncEngine } from '../../client/sync/engine/engine.ts';
import { adapterLocalChunks, type LocalChunks } from '../../client/sync/engine/local-chunks.ts';
import { memorySyncStateStore, type SyncStateStore } from '../../client/sync/engine/sync-state-store.ts';
import { nodeSocket } from '../node-sync-socket.ts';
import type { WorkspaceKey } from '../../shared/sync/chunk-crypto.ts';
import { tempDir, waitFor } from './helpers.ts';

export interface Device {
  repo: Repo;
  ledger: SyncLedger;
  state: SyncStateStore;
  local: LocalChunks;
  /** every storage key written on this device so far, in order (the repo's saves and the engine's) */
  saved: readonly (readonly string[])[];
  engine: SyncEngine | null;
  key: WorkspaceKey | null;
  /** (re)starts the engine with this device's key and saved sync state */
  connect(opts?: { legacy?: LegacyMigration; compactAfter?: number }): SyncEngine;
  disconnect(): void;
  close(): Promise<void>;
}

/** A folder store that writes nothing once its device is closed (its folder is gone then): a save the
    repo throttled, or one started by a chunk still being applied when the engine stopped, lands after. */
class ClosableFolderStore extends NodeFSStorageAdapter {
  #closed = false;
  readonly #writing = new Set<Promise<void>>();
  readonly saved: string[][] = [];
  override save(key: string[], data: Uint8Array): Promise<void> {
    this.saved.push([...key]);
    return this.#write(() => super.save(key, data));
  }
  override remove(key: string[]): Promise<void> {
    return this.#write(() => super.remove(key));
  }
  /** From now on nothing is written; resolves once the writes already started are over. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#writing]);
  }
  async #write(op: () => Promise<void>): Promise<void> {
    if (this.#closed) return;
    const p = op();
    this.#writing.add(p);
    try {
      await p;
    } finally {
      this.#writing.delete(p);
    }
  }
}

export function makeDevice(relay: { url: string; token: string }, key: WorkspaceKey | null, workspace: () => string | null = () => null): Device {
  const tmp = tempDir('engine-device');
  const adapter = new ClosableFolderStore(tmp.dir);
  const ledger = createSyncLedger(undefined);
  const storage = new JournaledStorage(adapter, undefined, (id) => ledger.markUnsynced(id));
  const repo = new Repo({ storage, network: [], peerId: `device-${Math.random().toString(36).slice(2)}` as PeerId });
  const state = memorySyncStateStore();
  // NodeFS cannot list from the root ([]): the ids are its folder names (<2 chars>/<rest>) that hold
  // chunks (not `st/orage-adapter-id`, the adapter's own key, nor a folder of sync states only).
  const local: LocalChunks = {
    ...adapterLocalChunks(adapter),
    async ids() {
      const out = new Set<string>();
      for (const a of await readdir(tmp.dir).catch(() => [])) {
        for (const b of await readdir(path.join(tmp.dir, a)).catch(() => [])) {
          const kinds = await readdir(path.join(tmp.dir, a, b)).catch(() => [] as string[]);
          if (kinds.includes('snapshot') || kinds.includes('incremental')) out.add(a + b);
        }
      }
      return out;
    },
  };
  const device: Device = {
    repo,
    ledger,
    state,
    local,
    saved: adapter.saved,
    engine: null,
    key,
    connect(opts = {}) {
      device.engine?.stop();
      device.engine = startSyncEngine({
        repo,
        local,
        dirty: ledger,
        state: device.state,
        socket: nodeSocket,
        relay,
        key: device.key,
        saveKey: (k) => (device.key = k),
        workspaceUrl: workspace,
        ...opts,
      });
      return device.engine;
    },
    disconnect() {
      device.engine?.stop();
      device.engine = null;
    },
    async close() {
      device.disconnect();
      await repo.flush().catch(() => undefined);
      await repo.shutdown().catch(() => undefined);
      await adapter.close();
      tmp.remove();
    },
  };
  return device;
}

/** Resolves once the engine's snapshot satisfies `cond` (told by the engine, no polling). */
export function whenEngine(engine: SyncEngine, cond: (s: EngineSnapshot) => boolean): Promise<EngineSnapshot> {
  return new Promise((resolve) => {
    if (cond(engine.snapshot())) return resolve(engine.snapshot());
    const off = engine.onChange((s) => {
      if (!cond(s)) return;
      off();
      resolve(s);
    });
  });
}

/** The document once it is on this device (from its storage, or applied when it arrives). */
export async function findWhenThere<T>(repo: Repo, url: AutomergeUrl): Promise<DocHandle<T>> {
  let found: DocHandle<T> | null = null;
  await waitFor(async () => {
    try {
      found = await repo.find<T>(url);
      return true;
    } catch {
      return false;
    }
  }, `document ${url}`);
  return found!;
}
