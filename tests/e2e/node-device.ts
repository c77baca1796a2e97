/**
 * A device in the test's Node process, for specs that need an account filled faster than a
 * browser could: a real automerge-repo Repo on real files, the storage wrapper that marks saved
 * documents for upload, and the app's sync engine over a real WebSocket, with the workspace key
 * (what the relay stores is ciphertext, as from any device). Playwright-safe: no vitest imports.
 */
import * as A from '@automerge/automerge';
import { Repo, type DocHandle, type PeerId } from '@automerge/automerge-repo';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JournaledStorage } from '../../client/repo/journaled-storage.ts';
import { createSyncLedger } from '../../client/sync/sync-ledger.ts';
import { startSyncEngine, type SyncEngine } from '../../client/sync/engine/engine.ts';
import { adapterLocalChunks, type LocalChunks } from '../../client/sync/engine/local-chunks.ts';
import { memorySyncStateStore } from '../../client/sync/engine/sync-state-store.ts';
import { nodeSocket } from '../node-sync-socket.ts';
import type { WorkspaceKey } from '../../shared/sync/chunk-crypto.ts';

export interface NodeDevice {
  repo: Repo;
  engine: SyncEngine;
  /**
   * True once the relay has acknowledged every given document at its current heads (after the
   * repo saved them, which is what marks them for upload). For `expect.poll`.
   */
  holdsOnRelay(accountId: string, handles: readonly DocHandle<unknown>[]): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Starts a device of the account behind `token`. With an unclaimed account, this device claims
 * it with `key` and the workspace `workspaceUrl()` names (create the workspace document first).
 */
export function startNodeDevice(relay: { url: string; token: string }, key: WorkspaceKey, workspaceUrl: () => string | null): NodeDevice {
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-e2e-device-'));
  const adapter = new NodeFSStorageAdapter(dir);
  const ledger = createSyncLedger(undefined);
  const storage = new JournaledStorage(adapter, undefined, (id) => ledger.markUnsynced(id));
  const repo = new Repo({ storage, network: [], peerId: `e2e-node-${Math.random().toString(36).slice(2)}` as PeerId });
  const state = memorySyncStateStore();
  // NodeFS cannot list from the root ([]): the ids are its folder names (<2 chars>/<rest>).
  const local: LocalChunks = {
    ...adapterLocalChunks(adapter),
    async ids() {
      const out = new Set<string>();
      for (const a of await readdir(dir).catch(() => [])) for (const b of await readdir(path.join(dir, a)).catch(() => [])) out.add(a + b);
      return out;
    },
  };
  let deviceKey = key;
  const engine = startSyncEngine({
    repo,
    local,
    dirty: ledger,
    state,
    socket: nodeSocket,
    relay,
    key: deviceKey,
    saveKey: (k) => (deviceKey = k),
    workspaceUrl,
  });
  return {
    repo,
    engine,
    async holdsOnRelay(accountId, handles) {
      await repo.flush();
      const s = await state.load(accountId);
      return handles.every((h) => {
        const relayHeads = s.docs.get(h.documentId)?.relayHeads ?? [];
        const heads = A.getHeads(h.doc() as A.Doc<unknown>);
        return relayHeads.length === heads.length && heads.every((x) => relayHeads.includes(x));
      });
    },
    async close() {
      engine.stop();
      await repo.flush().catch(() => undefined);
      await repo.shutdown().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/**
 * What a device paired just now would read: a fresh device of the account (with its key) pulls
 * everything the relay serves, and once caught up `read` looks at its repo. Rejects if the relay
 * refuses the device or its key is not the account's.
 */
export async function readAsNewDevice<T>(relay: { url: string; token: string }, key: WorkspaceKey, read: (repo: Repo) => Promise<T>): Promise<T> {
  const device = startNodeDevice(relay, key, () => null);
  try {
    await new Promise<void>((resolve, reject) => {
      const settle = (status: string): boolean => {
        if (status === 'online') resolve();
        else if (status === 'key-mismatch' || status === 'refused') reject(new Error(`the relay's answer to a new device: ${status}`));
        else return false;
        return true;
      };
      if (settle(device.engine.snapshot().status)) return;
      const off = device.engine.onChange((s) => {
        if (settle(s.status)) off();
      });
    });
    return await read(device.repo);
  } finally {
    await device.close();
  }
}
