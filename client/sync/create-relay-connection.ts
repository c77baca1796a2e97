import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import type { Repo } from '@automerge/automerge-repo';
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import type { RelayLink } from '../repo/device-settings.ts';
import { relaySocketUrl } from '../repo/relay-url.ts';
import { fetchAccount } from './account-api.ts';

import type { SyncStatus } from './sync-status.ts';
export type { SyncStatus };

const RETRY_MS = 2000;
const LAST_SYNC_THROTTLE_MS = 5000;
/** After the relay refused data for a full account, try again this much later, not every 2 s. */
const LIMIT_RETRY_MS = 5 * 60_000;
/** Close codes the relay uses (server/message-guard.ts). */
const CLOSE_TOKEN_REVOKED = 4401;
const CLOSE_QUOTA = 4507;

/**
 * Keeps the repo connected to the paired relay (if any) and reports the state.
 * A browser WebSocket cannot see the HTTP 401 of a refused upgrade, so when the
 * socket will not open we ask the relay's HTTP API to tell a bad token from a
 * relay that is down. A refused token stops the reconnecting (each attempt would count as a
 * failed token against this network's address at the relay) until the device is paired again
 * or comes back online; an account over its limits is retried every few minutes.
 */
export function createRelayConnection(repo: Repo, relay: Accessor<RelayLink | null>, onSynced: (at: number) => void) {
  const [status, setStatus] = createSignal<SyncStatus>('local');
  // The browser knows before the socket does: drop the connection when the device goes
  // offline and open a fresh one when it is back, instead of waiting for a keepalive.
  const [online, setOnline] = createSignal(navigator.onLine);
  // bumped to open a fresh connection after a pause (account limit reached)
  const [attempt, setAttempt] = createSignal(0);
  const up = () => setOnline(true);
  const down = () => setOnline(false);
  window.addEventListener('online', up);
  window.addEventListener('offline', down);
  onCleanup(() => {
    window.removeEventListener('online', up);
    window.removeEventListener('offline', down);
  });

  createEffect(
    on([relay, online, attempt], ([link, isOnline]) => {
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
      let timer: ReturnType<typeof setInterval> | undefined;
      let pause: ReturnType<typeof setTimeout> | undefined;
      const stop = () => {
        if (disposed) return;
        disposed = true;
        clearInterval(timer);
        clearTimeout(pause);
        try {
          repo.networkSubsystem.removeNetworkAdapter(adapter);
        } catch {
          // the adapter asserts it has a socket; an already-closed one is fine
        }
      };
      const refuse = (why: 'refused' | 'limit') => {
        stop();
        setStatus(why);
        if (why === 'limit') pause = setTimeout(() => setAttempt((n) => n + 1), LIMIT_RETRY_MS);
      };
      const check = async () => {
        if (checking || disposed) return;
        checking = true;
        const res = await fetchAccount(link.url, link.token);
        checking = false;
        if (disposed || status() === 'online') return;
        if (!res.ok && res.reason === 'refused') refuse('refused');
        else setStatus(res.ok ? 'connecting' : 'offline');
      };
      // The adapter registers `onClose` on every socket it opens; the close code says why.
      const onClose = adapter.onClose;
      adapter.onClose = ((ev?: CloseEvent) => {
        if (ev?.code === CLOSE_TOKEN_REVOKED) return refuse('refused');
        if (ev?.code === CLOSE_QUOTA) return refuse('limit');
        onClose();
      }) as typeof adapter.onClose;
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
      timer = setInterval(() => {
        if (status() !== 'online') void check();
      }, RETRY_MS * 2);
      onCleanup(() => {
        // a pause already scheduled belongs to this connection: a new link or going offline drops it
        clearTimeout(pause);
        stop();
      });
    }),
  );

  return status;
}
