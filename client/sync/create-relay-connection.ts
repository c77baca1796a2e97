import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import type { Repo } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import type { RelayLink } from '../repo/device-settings.ts';
import { relaySocketUrl } from '../repo/relay-url.ts';
import { fetchAccount } from './account-api.ts';

export type SyncStatus = 'local' | 'connecting' | 'online' | 'offline' | 'refused';

const RETRY_MS = 2000;
const LAST_SYNC_THROTTLE_MS = 5000;

/**
 * Keeps the repo connected to the paired relay (if any) and reports the state.
 * A browser WebSocket cannot see the HTTP 401 of a refused upgrade, so when the
 * socket will not open we ask the relay's HTTP API to tell a bad token from a
 * relay that is down.
 */
export function createRelayConnection(repo: Repo, relay: Accessor<RelayLink | null>, onSynced: (at: number) => void) {
  const [status, setStatus] = createSignal<SyncStatus>('local');
  // The browser knows before the socket does: drop the connection when the device goes
  // offline and open a fresh one when it is back, instead of waiting for a keepalive.
  const [online, setOnline] = createSignal(navigator.onLine);
  const up = () => setOnline(true);
  const down = () => setOnline(false);
  window.addEventListener('online', up);
  window.addEventListener('offline', down);
  onCleanup(() => {
    window.removeEventListener('online', up);
    window.removeEventListener('offline', down);
  });

  createEffect(
    on([relay, online], ([link, isOnline]) => {
      if (!link) {
        setStatus('local');
        return;
      }
      if (!isOnline) {
        setStatus('offline');
        return;
      }
      const adapter = new WebSocketClientAdapter(relaySocketUrl(link.url, link.token), RETRY_MS);
      let lastSync = 0;
      let checking = false;
      let disposed = false;
      const check = async () => {
        if (checking || disposed) return;
        checking = true;
        const res = await fetchAccount(link.url, link.token);
        checking = false;
        if (disposed || status() === 'online') return;
        setStatus(res.ok ? 'connecting' : res.reason === 'refused' ? 'refused' : 'offline');
      };
      adapter.on('peer-candidate', () => setStatus('online'));
      adapter.on('peer-disconnected', () => {
        setStatus('offline');
        void check();
      });
      adapter.on('message', () => {
        const now = Date.now();
        if (now - lastSync > LAST_SYNC_THROTTLE_MS) {
          lastSync = now;
          onSynced(now);
        }
      });
      setStatus('connecting');
      repo.networkSubsystem.addNetworkAdapter(adapter);
      const timer = setInterval(() => {
        if (status() !== 'online') void check();
      }, RETRY_MS * 2);
      onCleanup(() => {
        disposed = true;
        clearInterval(timer);
        try {
          repo.networkSubsystem.removeNetworkAdapter(adapter);
        } catch {
          // the adapter asserts it has a socket; an already-closed one is fine
        }
      });
    }),
  );

  return status;
}
