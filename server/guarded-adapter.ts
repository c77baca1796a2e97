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
 * - One repo peer per connection: the repo sees each connection under its own id
 *   (`<peer id>~<n>`; the client never sees it). The repo keeps its sync state per peer id
 *   across disconnections, and that state counts messages lost with the old connection as
 *   delivered: a device cut off mid-sync that comes back under the same id would then never be
 *   sent those changes, nor the acknowledgement of its own (measured: 15 of 31 documents
 *   stuck unacknowledged after one cut mid-upload). A fresh id per connection starts each
 *   connection from a clean sync state; the durable part (the shared heads, persisted per
 *   storage id) still carries over.
 * - Acknowledge only what is on disk: see `send`. When the write fails, the socket is closed
 *   with a reason (4507 for a storage limit, 1011 otherwise) and nothing is acknowledged.
 * - Activity: every document a socket syncs is reported (`onActivity`), so idle documents can
 *   be unloaded without pulling one out from under a sync in progress.
 * - Keepalive: keepalive.ts instead of the reference adapter's, which terminates a peer that is
 *   alive but still reading a backlog (its pong waits behind the backlog).
 */
import { cbor, type DocumentId, type Message, type PeerId, type PeerMetadata } from '@automerge/automerge-repo';
import { WebSocketServerAdapter, type FromServerMessage } from '@automerge/automerge-repo-network-websocket';
import WebSocket, { type WebSocketServer } from 'ws';
import { markAlive, startKeepalive } from './keepalive.ts';
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
  /** A client synced (or was sent) something about this document. */
  onActivity?: (documentId: DocumentId) => void;
  /** A sync message about this document was handed to a client's socket (its request is answered). */
  onDelivered?: (documentId: DocumentId) => void;
  /** How to close a socket whose acknowledgement could not be persisted (default: 1011 "relay storage error"). */
  describeStorageError?: (err: Error) => Rejection;
  /**
   * A document could not be persisted for an acknowledgement. The message is dropped, but the
   * repo's sync state already counts it as sent: the owner must drop that state (unload the
   * document), or the peer, once reconnected, would be believed to have it and never be
   * answered again.
   */
  onPersistFailure?: (documentId: DocumentId) => void;
}

/** Storage failures are logged at most once per this interval per account, with a count of the rest. */
const STORAGE_LOG_INTERVAL_MS = 10_000;

/** After sending a close frame, how long a peer gets to answer before its socket is destroyed. */
const CLOSE_GRACE_MS = 2_000;
/**
 * A socket that never joins only holds resources (ws answers pings by itself, so keepalive
 * never drops it). The reference client leaves such sockets behind when a retry fires while
 * a connection attempt is still pending.
 */
const JOIN_TIMEOUT_MS = 30_000;
/** Default ping interval (the reference adapter's). */
const KEEPALIVE_MS = 5_000;
/** Given to the reference adapter so that its own keepalive never fires (the longest timer Node allows). */
const NO_REFERENCE_KEEPALIVE = 2 ** 31 - 1;

export class GuardedServerAdapter extends WebSocketServerAdapter {
  readonly #label: string;
  readonly #log: (line: string) => void;
  readonly #persist: ((documentId: DocumentId) => Promise<void>) | null;
  readonly #onActivity: (documentId: DocumentId) => void;
  readonly #onDelivered: (documentId: DocumentId) => void;
  readonly #describeStorageError: (err: Error) => Rejection;
  readonly #onPersistFailure: (documentId: DocumentId) => void;
  #storageLog = { last: 0, suppressed: 0 };
  /** The peer id each socket joined with (what the client calls itself). */
  readonly #boundPeer = new WeakMap<WebSocket, string>();
  /** The repo's id for each socket's connection, and back. */
  readonly #connectionId = new WeakMap<WebSocket, PeerId>();
  readonly #clientIdOf = new Map<string, string>();
  /** The open socket of each client peer id. */
  readonly #socketOfPeer = new Map<string, WebSocket>();
  #connections = 0;
  /** Whether the frame being delivered is binary: 'message' listeners run in order, ours first. */
  readonly #frameIsBinary = new WeakMap<WebSocket, boolean>();
  readonly #rejected = new WeakSet<WebSocket>();
  /** Per document, the write that messages about it sent in the current burst wait for (see #persisted). */
  readonly #persistSoon = new Map<DocumentId, Promise<Error | null>>();
  /** Per socket, the tail of its outgoing queue: keeps messages in order while persisting. */
  readonly #outbox = new WeakMap<WebSocket, Promise<void>>();
  readonly #connected: Promise<void>;
  #resolveConnected!: () => void;
  readonly #wss: WebSocketServer;
  readonly #keepAliveMs: number;

  constructor(wss: WebSocketServer, opts: GuardedAdapterOptions) {
    // Same `ws` class; isomorphic-ws merely types it through a different declaration.
    super(wss as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0], NO_REFERENCE_KEEPALIVE);
    this.#wss = wss;
    this.#keepAliveMs = opts.keepAliveInterval ?? KEEPALIVE_MS;
    this.#label = opts.label;
    this.#log = opts.log;
    this.#persist = opts.persistBeforeAck ?? null;
    this.#onActivity = opts.onActivity ?? (() => {});
    this.#onDelivered = opts.onDelivered ?? (() => {});
    this.#describeStorageError = opts.describeStorageError ?? (() => ({ code: CLOSE.internalError, reason: 'relay storage error' }));
    this.#onPersistFailure = opts.onPersistFailure ?? (() => {});
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
      socket.on('message', (_data: unknown, isBinary: boolean) => {
        this.#frameIsBinary.set(socket, isBinary);
        // A peer that is sending is alive, even if its pong is late (a Node client busy
        // applying thousands of documents answers pings late; browsers answer them natively).
        markAlive(socket);
      });
      socket.on('pong', () => markAlive(socket));
      const joinTimer = setTimeout(() => {
        if (!this.#boundPeer.has(socket)) this.#reject(socket, { code: CLOSE.policyViolation, reason: 'no join' });
      }, JOIN_TIMEOUT_MS);
      joinTimer.unref();
      socket.once('close', () => {
        clearTimeout(joinTimer);
        const peer = this.#boundPeer.get(socket);
        if (peer !== undefined && this.#socketOfPeer.get(peer) === socket) this.#socketOfPeer.delete(peer);
        const id = this.#connectionId.get(socket);
        if (id !== undefined) this.#clientIdOf.delete(id);
      });
    });
  }

  /** Resolves once the repo has wired this adapter up; only then may sockets be handed over. */
  whenConnected(): Promise<void> {
    return this.#connected;
  }

  override connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    super.connect(peerId, peerMetadata);
    startKeepalive(this.#wss, this.#keepAliveMs, (socket) => {
      if (this.#rejected.has(socket)) return;
      this.#rejected.add(socket);
      this.#log(`sync[${this.#label}]: closed ${this.#who(socket)}: no answer to a ping and nothing read (keepalive)`);
    });
    this.#resolveConnected();
  }

  /** Whether this adapter closed the socket for misbehaving (and already logged why). */
  isRejected(socket: WebSocket): boolean {
    return this.#rejected.has(socket);
  }

  /** Closes the socket of a joined peer (e.g. one whose data the repo could not apply). */
  rejectPeer(peerId: PeerId, rejection: Rejection): void {
    const socket = this.sockets[peerId];
    if (socket) this.#reject(socket, rejection);
  }

  /** Logs a storage failure, rate-limited: a full disk must not also flood the log. */
  logStorageError(what: string): void {
    const now = Date.now();
    if (now - this.#storageLog.last < STORAGE_LOG_INTERVAL_MS) {
      this.#storageLog.suppressed++;
      return;
    }
    const more = this.#storageLog.suppressed > 0 ? ` (and ${this.#storageLog.suppressed} more since the last report)` : '';
    this.#storageLog = { last: now, suppressed: 0 };
    this.#log(`sync[${this.#label}]: ${what}${more}`);
  }

  #who(socket: WebSocket): string {
    const peer = this.#boundPeer.get(socket);
    return peer ? `peer ${peer}` : 'unjoined socket';
  }

  /** Closes the socket once; `log: false` when the caller has logged it already. */
  #reject(socket: WebSocket, { code, reason }: Rejection, log = true): void {
    if (this.#rejected.has(socket)) return;
    this.#rejected.add(socket);
    if (log) this.#log(`sync[${this.#label}]: closed ${this.#who(socket)}: ${reason} (${code})`);
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
          const existing = this.#socketOfPeer.get(verdict.peerId);
          if (existing && existing !== socket && existing.readyState === WebSocket.OPEN) {
            this.#reject(socket, { code: CLOSE.peerIdInUse, reason: 'peer id already connected' });
            return;
          }
          const id = `${verdict.peerId}~${++this.#connections}` as PeerId;
          this.#boundPeer.set(socket, verdict.peerId);
          this.#connectionId.set(socket, id);
          this.#clientIdOf.set(id, verdict.peerId);
          this.#socketOfPeer.set(verdict.peerId, socket);
          super.receiveMessage(cbor.encode({ ...verdict.message, senderId: id }), socket);
          return;
        }
        case 'forward': {
          const senderId = this.#connectionId.get(socket);
          // The base class may have dropped the binding (unsupported protocol version).
          if (senderId === undefined || this.sockets[senderId] !== socket) return;
          verdict.message.senderId = senderId;
          // checkFrame verified the fields the repo reads for this message type.
          const documentId = verdict.message.documentId;
          if (typeof documentId === 'string') this.#onActivity(documentId as DocumentId);
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
    if (!socket) return; // gone: the repo learns it from peer-disconnected
    if (!this.#persist) {
      this.#deliver(socket, message);
      return;
    }
    if (message.type === 'sync' && message.documentId !== undefined) this.#onActivity(message.documentId);
    const documentId = message.type === 'sync' ? message.documentId : undefined;
    const persisted = documentId !== undefined ? this.#persisted(documentId, this.#persist) : null;
    const prev = this.#outbox.get(socket) ?? Promise.resolve();
    const next = prev.then(async () => {
      const failure = persisted ? await persisted : null;
      if (failure) {
        if (documentId !== undefined) this.#onPersistFailure(documentId);
        const rejection = this.#describeStorageError(failure);
        this.logStorageError(`could not save a document (${failure.message}); not acknowledged; closed ${this.#who(socket)} (${rejection.code})`);
        this.#reject(socket, rejection, false); // logged above, rate-limited
        return;
      }
      if (this.sockets[message.targetId] !== socket || socket.readyState !== WebSocket.OPEN) return;
      this.#deliver(socket, message);
    });
    this.#outbox.set(socket, next);
  }

  /**
   * The write a sync message about this document waits for. Deferred a tick: the repo sends its
   * replies from inside the handle update that applies a client's changes, so the new document
   * state exists only once that update returns. Every message sent before the write starts
   * shares it (one change fans out to every peer of the document in one go); it reads the
   * document when it starts, so it covers them all.
   */
  #persisted(documentId: DocumentId, persist: (documentId: DocumentId) => Promise<void>): Promise<Error | null> {
    const soon = this.#persistSoon.get(documentId);
    if (soon) return soon;
    const persisted = Promise.resolve()
      .then(() => {
        this.#persistSoon.delete(documentId); // from here on the document may change again: later messages need a write of their own
        return persist(documentId);
      })
      .then(
        () => null,
        (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
      );
    this.#persistSoon.set(documentId, persisted);
    return persisted;
  }

  /** Encodes and sends, with the peer ids clients know (forwarded ephemeral messages carry another client's). */
  #deliver(socket: WebSocket, message: FromServerMessage): void {
    if ('data' in message && message.data?.byteLength === 0) return; // the base adapter refuses these too
    const targetId = this.#clientIdOf.get(message.targetId) ?? message.targetId;
    const from = (message as { senderId?: string }).senderId;
    const senderId = from === undefined ? undefined : (this.#clientIdOf.get(from) ?? from);
    try {
      socket.send(cbor.encode(senderId === undefined ? { ...message, targetId } : { ...message, targetId, senderId }));
      if (message.type === 'sync' && message.documentId !== undefined) this.#onDelivered(message.documentId);
    } catch (err) {
      this.#log(`sync[${this.#label}]: send failed: ${(err as Error).message}`);
    }
  }
}
