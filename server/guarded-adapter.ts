/**
 * The reference WebSocketServerAdapter, hardened for untrusted clients:
 *
 * - Frame guard: every frame is checked (message-guard.ts) before the repo sees it; a bad one
 *   closes that socket only, with one log line. Socket errors (e.g. a frame over maxPayload,
 *   which `ws` reports as an 'error' event) are handled here, since an unhandled 'error' event
 *   would take the whole process down.
 * - Peer-id binding: a socket is bound to the peer id of its `join`. While that socket is open,
 *   another socket announcing the same id is refused (the reference adapter would close the
 *   first one instead, letting anyone who learns a peer id knock that device off), and a
 *   socket may only send messages as its own peer.
 * - Acknowledge only what is on disk: see `send`.
 */
import type { DocumentId, Message, PeerId, PeerMetadata } from '@automerge/automerge-repo';
import { WebSocketServerAdapter, type FromServerMessage } from '@automerge/automerge-repo-network-websocket';
import WebSocket, { type WebSocketServer } from 'ws';
import { CLOSE, checkFrame, type Rejection } from './message-guard.ts';

export interface GuardedAdapterOptions {
  /** Names this adapter in log lines (the account id; never a token). */
  label: string;
  log: (line: string) => void;
  /**
   * Resolves once the document is persisted. Awaited before every sync message to a client,
   * because a sync message carries the relay's heads: once a client sees them, it rightly
   * treats its changes as safely held by the relay.
   */
  persistBeforeAck?: (documentId: DocumentId) => Promise<void>;
  /** Ping interval; a socket that misses a pong is terminated at the next tick. */
  keepAliveInterval?: number;
}

/** After sending a close frame, how long a peer gets to answer before its socket is destroyed. */
const CLOSE_GRACE_MS = 2_000;
/**
 * A socket that never joins only holds resources (ws answers pings by itself, so keepalive
 * never drops it). The reference client leaves such sockets behind when a retry fires while
 * a connection attempt is still pending.
 */
const JOIN_TIMEOUT_MS = 30_000;

export class GuardedServerAdapter extends WebSocketServerAdapter {
  readonly #label: string;
  readonly #log: (line: string) => void;
  readonly #persist: ((documentId: DocumentId) => Promise<void>) | null;
  readonly #boundPeer = new WeakMap<WebSocket, string>();
  /** Whether the frame being delivered is binary: 'message' listeners run in order, ours first. */
  readonly #frameIsBinary = new WeakMap<WebSocket, boolean>();
  readonly #rejected = new WeakSet<WebSocket>();
  /** Per socket, the tail of its outgoing queue: keeps messages in order while persisting. */
  readonly #outbox = new WeakMap<WebSocket, Promise<void>>();
  readonly #connected: Promise<void>;
  #resolveConnected!: () => void;

  constructor(wss: WebSocketServer, opts: GuardedAdapterOptions) {
    // Same `ws` class; isomorphic-ws merely types it through a different declaration.
    super(wss as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0], opts.keepAliveInterval);
    this.#label = opts.label;
    this.#log = opts.log;
    this.#persist = opts.persistBeforeAck ?? null;
    this.#connected = new Promise((resolve) => (this.#resolveConnected = resolve));
    // Registered before the base class's own 'connection' listener (added in connect()), so
    // these per-socket listeners run before the base class's 'message' listener.
    wss.on('connection', (socket: WebSocket) => {
      socket.on('error', (err: Error & { code?: string }) => {
        // ws closes the socket itself after a protocol error (1009 for oversized frames).
        const what = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'frame over the size limit' : (err.code ?? 'socket error');
        if (this.#rejected.has(socket)) return;
        this.#rejected.add(socket);
        this.#log(`sync[${this.#label}]: closed ${this.#who(socket)}: ${what}`);
        setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
      });
      socket.on('message', (_data: unknown, isBinary: boolean) => this.#frameIsBinary.set(socket, isBinary));
      const joinTimer = setTimeout(() => {
        if (!this.#boundPeer.has(socket)) this.#reject(socket, { code: CLOSE.policyViolation, reason: 'no join' });
      }, JOIN_TIMEOUT_MS);
      joinTimer.unref();
      socket.once('close', () => clearTimeout(joinTimer));
    });
  }

  /** Resolves once the repo has wired this adapter up; only then may sockets be handed over. */
  whenConnected(): Promise<void> {
    return this.#connected;
  }

  override connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    super.connect(peerId, peerMetadata);
    this.#resolveConnected();
  }

  /** Whether this adapter closed the socket for misbehaving (and already logged why). */
  isRejected(socket: WebSocket): boolean {
    return this.#rejected.has(socket);
  }

  #who(socket: WebSocket): string {
    const peer = this.#boundPeer.get(socket);
    return peer ? `peer ${peer}` : 'unjoined socket';
  }

  #reject(socket: WebSocket, { code, reason }: Rejection): void {
    if (this.#rejected.has(socket)) return;
    this.#rejected.add(socket);
    this.#log(`sync[${this.#label}]: closed ${this.#who(socket)}: ${reason} (${code})`);
    socket.close(code, reason);
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  override receiveMessage(messageBytes: Uint8Array, socket: WebSocket): void {
    if (this.#rejected.has(socket)) return;
    try {
      if (this.#frameIsBinary.get(socket) === false) {
        this.#reject(socket, { code: CLOSE.unsupportedData, reason: 'text frames are not accepted' });
        return;
      }
      const relayPeerId = this.peerId;
      if (relayPeerId === undefined) throw new Error('adapter not connected');
      const verdict = checkFrame(messageBytes, this.#boundPeer.get(socket) ?? null, relayPeerId);
      switch (verdict.kind) {
        case 'reject':
          this.#reject(socket, verdict.rejection);
          return;
        case 'ignore':
          return;
        case 'join': {
          const existing = this.sockets[verdict.peerId as PeerId];
          if (existing && existing !== socket && existing.readyState === WebSocket.OPEN) {
            this.#reject(socket, { code: CLOSE.peerIdInUse, reason: 'peer id already connected' });
            return;
          }
          this.#boundPeer.set(socket, verdict.peerId);
          super.receiveMessage(messageBytes, socket);
          return;
        }
        case 'forward': {
          const senderId = verdict.message.senderId as PeerId;
          // The base class may have dropped the binding (unsupported protocol version).
          if (this.sockets[senderId] !== socket) return;
          // checkFrame verified the fields the repo reads for this message type.
          this.emit('message', verdict.message as unknown as Message);
          return;
        }
      }
    } catch (err) {
      // A bug or a repo-internal throw while handling this frame: this socket goes, the relay stays.
      this.#log(`sync[${this.#label}]: error handling a frame from ${this.#who(socket)}: ${(err as Error).name}`);
      this.#reject(socket, { code: CLOSE.internalError, reason: 'internal error' });
    }
  }

  /**
   * Sync messages wait until their document is on disk (persistBeforeAck); everything to one
   * socket stays in order behind them. Writes for different documents run in parallel.
   */
  override send(message: FromServerMessage): void {
    const socket = this.sockets[message.targetId];
    if (!socket || !this.#persist) {
      super.send(message);
      return;
    }
    const persist = this.#persist;
    // Deferred a tick: the repo sends its reply from inside the handle update that applies the
    // client's changes, so the new document state exists only once that update returns.
    const documentId = message.type === 'sync' ? message.documentId : undefined;
    const persisted: Promise<Error | null> | null =
      documentId !== undefined
        ? Promise.resolve()
            .then(() => persist(documentId))
            .then(
              () => null,
              (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
            )
        : null;
    const prev = this.#outbox.get(socket) ?? Promise.resolve();
    const next = prev.then(async () => {
      const failure = persisted ? await persisted : null;
      if (failure) {
        this.#log(`sync[${this.#label}]: could not persist a document (${failure.message}); not acknowledging`);
        this.#reject(socket, { code: CLOSE.internalError, reason: 'relay storage error' });
        return;
      }
      if (this.sockets[message.targetId] !== socket || socket.readyState !== WebSocket.OPEN) return;
      try {
        super.send(message);
      } catch (err) {
        this.#log(`sync[${this.#label}]: send failed: ${(err as Error).message}`);
      }
    });
    this.#outbox.set(socket, next);
  }
}
