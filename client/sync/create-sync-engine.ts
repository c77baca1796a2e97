/**
 * The sync engine in the app: started in the leader tab while the device is paired and online,
 * restarted when the relay link or the workspace key changes, or the device gets its first
 * workspace (a fresh account is claimed with it); its state as Solid signals. Switching to
 * another workspace (pairing joins the account's) does not restart it: the engine reads the
 * workspace only to claim an account, and a restart mid catch-up would fetch and open again
 * what the relay was still sending.
 */
import { createEffect, createMemo, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import type { Repo } from '@automerge/automerge-repo';
import { decodeKey, encodeKey } from '../../shared/sync/chunk-crypto.ts';
import type { DeviceSettingsStore } from '../repo/device-settings.ts';
import type { StoredDocuments } from '../repo/stored-documents.ts';
import { relayHttpBase } from '../repo/relay-url.ts';
import { downloadBundle, type BundleProgress } from './download-bundle.ts';
import { startSyncEngine, type DirtyDocs, type EngineSnapshot, type SyncEngine } from './engine/engine.ts';
import { makeLeadership } from './engine/leader.ts';
import { browserSocket } from './engine/relay-socket.ts';
import { indexedDbSyncStateStore } from './engine/sync-state-store.ts';
import type { SyncStatus } from './sync-status.ts';

const LAST_SYNC_THROTTLE_MS = 5000;

export interface SyncEngineView {
  status: Accessor<SyncStatus>;
  /** a catch-up or a legacy download under way (null otherwise) */
  bundleProgress: Accessor<BundleProgress | null>;
  /** other devices of the account connected now */
  peers: Accessor<number>;
  /** chunks from the relay that did not open or were damaged (never merged) */
  rejected: Accessor<number>;
  /** Sends an encrypted ephemeral message (leader tab only); false when it could not be sent. */
  sendEphemeral(doc: string | undefined, message: Uint8Array): boolean;
  onEphemeral(fn: (doc: string | undefined, message: Uint8Array, from: string) => void): () => void;
}

export function createSyncEngine(repo: Repo, documents: StoredDocuments, dirty: DirtyDocs, device: DeviceSettingsStore): SyncEngineView {
  const [snapshot, setSnapshot] = createSignal<EngineSnapshot | null>(null);
  const [legacyProgress, setLegacyProgress] = createSignal<BundleProgress | null>(null);
  const [online, setOnline] = createSignal(navigator.onLine);
  const up = () => setOnline(true);
  const down = () => setOnline(false);
  window.addEventListener('online', up);
  window.addEventListener('offline', down);
  onCleanup(() => {
    window.removeEventListener('online', up);
    window.removeEventListener('offline', down);
  });
  const state = indexedDbSyncStateStore();
  const ephListeners = new Set<(doc: string | undefined, message: Uint8Array, from: string) => void>();
  let engine: SyncEngine | null = null;
  // a memo: only the change from no workspace to one restarts the engine, not a switch
  const hasWorkspace = createMemo(() => Boolean(device.settings.workspaceUrl));

  createEffect(
    on([() => device.settings.relay, online, () => device.settings.workspaceKey, hasWorkspace], ([link, isOnline, keyText]) => {
      setSnapshot(null);
      if (!link || !isOnline) return;
      // One leader per device and relay (every tab of the device shares its settings).
      const leadership = makeLeadership(link.url, {
        lead(publish) {
          let lastSync = 0;
          const e = startSyncEngine({
            repo,
            local: {
              ids: (ownOnly) => documents.ids(ownOnly),
              put: (chunks) => documents.putChunks(chunks),
              load: (doc, name) => documents.loadChunk(doc, name),
              remove: (doc, name) => documents.removeChunk(doc, name),
              received: (doc) => documents.relayChunks(doc),
            },
            dirty,
            state,
            socket: browserSocket,
            relay: link,
            key: keyText ? decodeKey(keyText) : null,
            saveKey: (k) => device.update({ workspaceKey: encodeKey(k) }),
            workspaceUrl: () => device.settings.workspaceUrl,
            legacy: {
              async download() {
                const r = await downloadBundle(link.url, link.token, documents, { onProgress: setLegacyProgress });
                setLegacyProgress(null);
                return r.complete;
              },
              async done() {
                const res = await fetch(`${relayHttpBase(link.url)}/api/legacy/done`, {
                  method: 'POST',
                  headers: { Authorization: `Bearer ${link.token}` },
                  cache: 'no-store',
                });
                return res.ok;
              },
            },
            onActivity() {
              const now = Date.now();
              if (now - lastSync < LAST_SYNC_THROTTLE_MS) return;
              lastSync = now;
              device.update({ lastSyncAt: now });
            },
          });
          engine = e;
          const off = e.onChange((s) => {
            setSnapshot(s);
            publish(s);
          });
          const offEph = e.onEphemeral((doc, message, from) => {
            for (const fn of ephListeners) fn(doc, message, from);
          });
          setSnapshot(e.snapshot());
          publish(e.snapshot());
          return () => {
            off();
            offEph();
            e.stop();
            if (engine === e) engine = null;
          };
        },
        follow: setSnapshot,
      });
      onCleanup(() => leadership.release());
    }),
  );

  const status = (): SyncStatus => {
    if (!device.settings.relay) return 'local';
    if (!online()) return 'offline';
    return snapshot()?.status ?? 'connecting';
  };
  const bundleProgress = (): BundleProgress | null => {
    const legacy = legacyProgress();
    if (legacy) return legacy;
    const c = snapshot()?.catchUp;
    return c ? { stored: c.done, total: c.total } : null;
  };
  return {
    status,
    bundleProgress,
    peers: () => snapshot()?.peers ?? 0,
    rejected: () => snapshot()?.rejected ?? 0,
    sendEphemeral: (doc, message) => engine?.sendEphemeral(doc, message) ?? false,
    onEphemeral(fn) {
      ephListeners.add(fn);
      return () => ephListeners.delete(fn);
    },
  };
}
