/**
 * One tab per device talks to the relay: the tab holding the Web Lock `atelier-sync:<relay address>`.
 * The others get documents through the repo's BroadcastChannel adapter and the leader's sync
 * status through a BroadcastChannel of our own. When the leader closes, the lock passes on.
 * Without Web Locks (a plain-http LAN page: not a secure context) the tabs elect a leader over a
 * BroadcastChannel instead (leader-election.ts).
 */
import type { EngineSnapshot } from './engine.ts';
import { electOverChannel } from './leader-election.ts';

export interface Leadership {
  /** Gives up leadership (or the wait for it) and stops listening. */
  release(): void;
}

export interface LeadershipHandlers {
  /** this tab leads: start the engine; the returned function stops it */
  lead(publish: (s: EngineSnapshot) => void): () => void;
  /** the leader's snapshot, in a follower tab */
  follow(s: EngineSnapshot): void;
}

export function makeLeadership(workspace: string, h: LeadershipHandlers): Leadership {
  const name = `atelier-sync:${workspace}`;
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`${name}:status`) : null;
  let leading = false;
  let last: EngineSnapshot | null = null;
  let stopEngine: (() => void) | null = null;
  let released = false;
  let releaseLock: () => void = () => undefined;

  if (channel) {
    channel.onmessage = (ev: MessageEvent<unknown>) => {
      const data = ev.data as { t?: unknown; s?: EngineSnapshot } | null;
      if (data?.t === 'status' && data.s && !leading) h.follow(data.s);
      // a tab that just opened asks the leader for its current status
      if (data?.t === 'ask' && leading && last) channel.postMessage({ t: 'status', s: last });
    };
    channel.postMessage({ t: 'ask' });
  }
  const publish = (s: EngineSnapshot) => {
    last = s;
    channel?.postMessage({ t: 'status', s });
  };
  const lead = () => {
    leading = true;
    stopEngine = h.lead(publish);
  };

  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) {
    if (typeof BroadcastChannel !== 'function') lead();
    else
      void electOverChannel(name, {
        lead: () => {
          if (!released) lead();
        },
        stepDown: () => {
          stopEngine?.();
          stopEngine = null;
          leading = false;
        },
      }).then((resign) => {
        if (released) resign();
        else releaseLock = resign;
      });
  } else
    void locks
      .request(name, () => {
        if (released) return undefined;
        lead();
        return new Promise<void>((resolve) => (releaseLock = resolve));
      })
      .catch(() => undefined);

  return {
    release() {
      released = true;
      stopEngine?.();
      stopEngine = null;
      leading = false;
      releaseLock();
      channel?.close();
    },
  };
}
