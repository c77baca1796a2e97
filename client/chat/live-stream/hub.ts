import * as v from 'valibot';
import { decodeLive, encodeLive, MAX_LIVE_BYTES, type LiveMessage } from './codec.ts';

/*
 * Where live messages go and come from. Only the leader tab of a device holds the relay
 * connection (client/sync/engine/leader.ts), so the tabs of a device share a BroadcastChannel:
 * - a tab sends to the relay itself when it is the leader (sendEphemeral succeeds), and posts the
 *   message on the channel: the device's other tabs show it, and, when the sender was not the
 *   leader, the leader forwards it to the relay;
 * - the leader posts what the relay brings on the channel, for the device's other tabs.
 * Neither the relay nor a BroadcastChannel echoes a message to its sender.
 */

export interface EphemeralLink {
  sendEphemeral(doc: string | undefined, message: Uint8Array): boolean;
  onEphemeral(fn: (doc: string | undefined, message: Uint8Array, from: string) => void): () => void;
}

/** where a message was written: another tab of this device, or another device */
export type LiveOrigin = 'tab' | 'device';

export interface LiveHub {
  send(doc: string, m: LiveMessage): void;
  /** messages from other tabs and devices, already checked */
  listen(fn: (doc: string, m: LiveMessage, origin: LiveOrigin) => void): () => void;
  close(): void;
}

const posted = v.object({ doc: v.string(), bytes: v.instance(Uint8Array), forward: v.boolean(), origin: v.picklist(['tab', 'device']) });

export function makeLiveHub(link: EphemeralLink, channelName: string): LiveHub {
  const listeners = new Set<(doc: string, m: LiveMessage, origin: LiveOrigin) => void>();
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(channelName);

  const deliver = (doc: string, bytes: Uint8Array, origin: LiveOrigin) => {
    const m = decodeLive(bytes);
    if (!m) return; // another kind of ephemeral message, or garbage: not ours
    for (const fn of listeners) fn(doc, m, origin);
  };

  if (channel) {
    channel.onmessage = (e: MessageEvent<unknown>) => {
      const r = v.safeParse(posted, e.data);
      if (!r.success) return;
      const { doc, bytes, forward, origin } = r.output;
      if (forward) link.sendEphemeral(doc, bytes);
      deliver(doc, bytes, origin);
    };
  }
  const offRelay = link.onEphemeral((doc, bytes) => {
    if (doc === undefined) return;
    channel?.postMessage({ doc, bytes, forward: false, origin: 'device' });
    deliver(doc, bytes, 'device');
  });

  return {
    send(doc, m) {
      const bytes = encodeLive(m);
      // too large for a frame: dropped like a lost message (receivers ask again, or follow the checkpoints)
      if (bytes.length > MAX_LIVE_BYTES) return;
      const sent = link.sendEphemeral(doc, bytes);
      channel?.postMessage({ doc, bytes, forward: !sent, origin: 'tab' });
    },
    listen(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    close() {
      offRelay();
      channel?.close();
      listeners.clear();
    },
  };
}
