/**
 * One authenticated socket to the relay at a time: opens it, says hello with the token (never in
 * the URL), decodes the relay's frames, and reconnects with backoff. The close code says why a
 * socket ended, and so what the person is told and whether (and when) to try again.
 */
import { CLOSE, PROTOCOL_VERSION, decodeRelayFrame, encodeFrame, type ClientHeader, type Frame, type RelayHeader } from '../../../shared/sync/protocol.ts';

/** What the engine needs of a WebSocket; made by a `SocketFactory` (the browser's, or `ws` in tests). */
export interface RelayTransport {
  send(bytes: Uint8Array): void;
  close(code?: number): void;
  /** bytes queued and not yet handed to the network */
  bufferedAmount(): number;
}

export interface TransportHandlers {
  open(): void;
  message(bytes: Uint8Array): void;
  /** once per socket, whatever ended it */
  close(code: number): void;
}

export type SocketFactory = (url: string, handlers: TransportHandlers) => RelayTransport;

/** The browser's WebSocket as a transport. */
export const browserSocket: SocketFactory = (url, h) => {
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  let closed = false;
  const end = (code: number) => {
    if (closed) return;
    closed = true;
    h.close(code);
  };
  ws.onopen = () => h.open();
  ws.onmessage = (ev: MessageEvent) => {
    if (ev.data instanceof ArrayBuffer) h.message(new Uint8Array(ev.data));
  };
  ws.onclose = (ev: CloseEvent) => end(ev.code);
  ws.onerror = () => end(1006);
  return {
    send: (bytes) => ws.send(bytes),
    close: (code) => ws.close(code),
    bufferedAmount: () => ws.bufferedAmount,
  };
};

/** Why the link is down, as far as reconnecting is concerned. */
export type LinkDown =
  /** the token was refused: no retry until the device is paired again */
  | 'refused'
  /** the account is over its quota: retried after LIMIT_RETRY_MS */
  | 'limit'
  /** too many connections: retried with backoff */
  | 'too-many'
  /** unreachable, dropped, bad frame: retried with backoff */
  | 'offline';

export interface RelayLinkEvents {
  /** a socket is open and the hello is sent */
  connecting(): void;
  /** a frame of the relay (the first one of a socket is its welcome) */
  frame(frame: Frame<RelayHeader>): void;
  /** the socket ended; `retryInMs` is null when the link gives up until restarted */
  down(why: LinkDown, retryInMs: number | null): void;
}

export const LIMIT_RETRY_MS = 5 * 60_000;
const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];

export function closeReason(code: number): LinkDown {
  if (code === CLOSE.tokenRefused) return 'refused';
  if (code === CLOSE.quota) return 'limit';
  if (code === CLOSE.tooManyConnections) return 'too-many';
  return 'offline';
}

export interface RelayLink {
  /** Sends a frame if a socket is open; false when there is none (the caller keeps its work for the next one). */
  send(header: ClientHeader, body?: Uint8Array): boolean;
  bufferedAmount(): number;
  /** Closes the socket and stops reconnecting. */
  stop(): void;
}

/** Keeps one socket to `url` open, authenticated with `token`, until stopped. */
export function openRelayLink(url: string, token: string, factory: SocketFactory, events: RelayLinkEvents): RelayLink {
  let socket: RelayTransport | null = null;
  let stopped = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const connect = () => {
    if (stopped) return;
    let open = false;
    let welcomed = false;
    const current: RelayTransport = factory(url, {
      open() {
        if (stopped || socket !== current) return current.close(1000);
        open = true;
        current.send(encodeFrame({ t: 'hello', protocol: PROTOCOL_VERSION, token }));
        events.connecting();
      },
      message(bytes) {
        if (socket !== current) return;
        const r = decodeRelayFrame(bytes);
        // A frame we cannot read means we are not speaking the same protocol: start over.
        if (!r.ok) return current.close(CLOSE.badFrame);
        if (!welcomed && r.frame.header.t === 'welcome') {
          welcomed = true;
          failures = 0;
        }
        events.frame(r.frame);
      },
      close(code) {
        if (socket !== current) return;
        socket = null;
        if (stopped) return;
        const why = open || code >= 4000 ? closeReason(code) : 'offline';
        let retry: number | null;
        if (why === 'refused') retry = null;
        else if (why === 'limit') retry = LIMIT_RETRY_MS;
        else retry = BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)]!;
        events.down(why, retry);
        if (retry !== null) timer = setTimeout(connect, retry);
      },
    });
    socket = current;
  };
  connect();

  return {
    send(header, body) {
      if (!socket) return false;
      socket.send(encodeFrame(header, body));
      return true;
    },
    bufferedAmount: () => socket?.bufferedAmount() ?? 0,
    stop() {
      stopped = true;
      clearTimeout(timer);
      const s = socket;
      socket = null;
      s?.close(1000);
    },
  };
}
