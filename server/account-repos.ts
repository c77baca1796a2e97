/**
 * One automerge-repo Repo per account, opened on first use, unloaded when idle.
 *
 * Isolation by construction: an account's Repo only has that account's storage folder and
 * only that account's sockets, so no share policy or lookup can leak a document across
 * accounts.
 *
 * Storage stack per account: AtomicFSStorageAdapter (atomic chunk writes) → optional test
 * wrapper → QuotaStorageAdapter (document and byte limits) → RelayStorageSubsystem, which
 * replaces the Repo's own StorageSubsystem (see relay-storage.ts for why).
 *
 * Memory (a Repo keeps every document it has touched loaded, ~90 KB for a 20-message
 * conversation even when loaded the cheap way):
 * - a document nobody has synced for `idle.documentMs`, or the least recently used ones past
 *   `idle.maxLoadedDocuments` (all accounts together), is written out and unloaded; a later
 *   message about it reloads it from disk (the repo's find() does, for any message about a
 *   document not in memory). The cap is what bounds the relay's memory: Automerge's wasm
 *   memory never shrinks, so the most documents ever loaded at once sets the floor of its RSS.
 *   It is a hard cap (load-gate.ts): messages about further documents wait for a slot, and
 *   while they wait, answered documents are unloaded at once (#relieve) instead of at the
 *   next sweep; only when every slot is held by a document in live use (edited, not fetched)
 *   are a few more admitted past the cap, so waiting documents never starve;
 * - an account without connections for `idle.accountMs` is closed (written out, Repo
 *   dropped) and reopened by the next connection.
 * Documents are loaded through findClassic, not find (which leaks every document it loads,
 * see #openRepo). Unloading uses `repo.removeFromCache`, after detaching the handle's listeners: in 2.5.6 that
 * call otherwise ends with the repo saving an empty document over the real one
 * (relay-storage.ts, point 1), and leaves a 60 s wait per document holding it in memory.
 */
import { Repo, type DocHandle, type DocumentId, type PeerId, type StorageAdapterInterface } from '@automerge/automerge-repo';
import { WebSocketServer } from 'ws';
import { initialWorkspace, type WorkspaceDoc } from '../shared/schema/workspace.ts';
import { accountDocumentsDir } from './accounts.ts';
import type { IdleOptions } from './config.ts';
import { AtomicFSStorageAdapter } from './doc-storage.ts';
import { GuardedServerAdapter } from './guarded-adapter.ts';
import { CLOSE, type Rejection } from './message-guard.ts';
import { QuotaExceededError, QuotaStorageAdapter } from './quota-storage.ts';
import { LoadGate } from './load-gate.ts';
import { RelayStorageSubsystem } from './relay-storage.ts';
import { renewWasmIfEnabled } from './wasm-renewal.ts';

/** Largest accepted WebSocket message by default (MAX_FRAME_BYTES). Generous for big documents, small enough to bound memory per socket. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/**
 * Past maxLoadedDocuments, only documents idle at least this long are unloaded (not one in
 * the middle of its sync exchange, which takes a few hundred ms; unloading one would still be
 * safe, just wasted work: the next message reloads it).
 */
const MIN_IDLE_FOR_EVICTION_MS = 1_000;

/**
 * While requests wait for a slot (load-gate.ts), a document whose last message was answered goes
 * after this much quiet: long enough for a client's reply to the answer to find it still loaded
 * (reloading it would only cost time), short enough not to hold the queue up.
 */
const ANSWERED_QUIET_MS = 250;

/** A document a client changed within this long is in live use (see #relievePressure). */
const LIVE_EDIT_MS = 5_000;

/** Looks at the load gate's pressure at most this often (see #relieve). */
const RELIEVE_EVERY_MS = 10;

/** When every slot is in live use, documents admitted past the cap per look (≤ 1,000/s). */
const OVERFLOW_BATCH = 10;

export interface AccountRepo {
  accountId: string;
  repo: Repo;
  /** noServer: the HTTP server's upgrade handler hands authenticated sockets to it. */
  wss: WebSocketServer;
  adapter: GuardedServerAdapter;
  storage: RelayStorageSubsystem;
  quota: QuotaStorageAdapter;
  /** When a client last synced each loaded document (ms). */
  activity: Map<DocumentId, number>;
  /** Loaded documents whose last message from a client has been answered (a sync message sent since). */
  answered: Set<DocumentId>;
  /**
   * When a client's change to each loaded document was last written (ms): documents in live use
   * (edited, not merely fetched), which the load gate keeps through short pauses.
   */
  edited: Map<DocumentId, number>;
  /** Documents dropped from memory after a failed write: not on disk as they were in memory. */
  discarded: Set<DocumentId>;
  /** Writes the given (or every) loaded document; throws if one cannot be written. */
  flush(documentIds?: DocumentId[]): Promise<void>;
}

export interface AccountStats {
  accountId: string;
  connections: number;
  loadedDocuments: number;
  storedDocuments: number;
  storedBytes: number;
}

export interface AccountReposOptions {
  dataDir: string;
  log: (line: string) => void;
  maxMessageBytes?: number;
  keepAliveInterval?: number;
  /** 0 or absent = no limit */
  maxDocumentsPerAccount?: number;
  maxAccountBytes?: number;
  /** Absent: nothing is unloaded automatically (the account CLI). */
  idle?: IdleOptions | null;
  /** Wraps each account's file storage (tests use it to simulate a full disk). */
  wrapStorage?: (accountId: string, storage: StorageAdapterInterface) => StorageAdapterInterface;
  /** Called when idle unloading has just closed the last open account. */
  onAllClosed?: () => void;
}

export function relayPeerId(accountId: string): PeerId {
  return `relay-${accountId}` as PeerId;
}

/** Waits for the sockets to finish their close handshake, up to `ms`. */
async function closeSockets(wss: WebSocketServer, code: number, reason: string, ms: number): Promise<void> {
  const sockets = [...wss.clients];
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === ws.CLOSED) return resolve();
          const timer = setTimeout(() => {
            ws.terminate();
            resolve();
          }, ms);
          ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          ws.close(code, reason);
        }),
    ),
  );
}

export function describeStorageError(err: Error): Rejection {
  if (err instanceof QuotaExceededError) {
    return { code: CLOSE.quotaExceeded, reason: err.kind === 'documents' ? 'account document limit reached' : 'account storage limit reached' };
  }
  return { code: CLOSE.internalError, reason: 'relay storage error' };
}

export class AccountRepos {
  readonly #opts: AccountReposOptions;
  readonly #open = new Map<string, Promise<AccountRepo>>();
  /** `accountId/documentId` of documents being removed from their repo (see #drop). */
  readonly #dropping = new Set<string>();
  /** Closes in progress: reopening waits for them, so two Repos never share a folder in one process. */
  readonly #closing = new Map<string, Promise<void>>();
  /** Connections per account (open or being set up); the account is never closed for idleness while > 0. */
  readonly #connections = new Map<string, number>();
  /** Since when each open account has had no connection. */
  readonly #idleSince = new Map<string, number>();
  #sweeper: NodeJS.Timeout | null = null;
  #sweeping: Promise<void> | null = null;
  #shutDown = false;
  /** Hard cap on documents loaded at once (idle.maxLoadedDocuments); null: no cap. */
  readonly #gate: LoadGate | null;
  #relieving: Promise<void> | null = null;
  #relieveAgain = false;
  #relieveTimer: NodeJS.Timeout | null = null;
  /** When the last look at the gate started, and the timer of the next one when it was asked for too soon. */
  #relievedAt = 0;
  #relieveSoon: NodeJS.Timeout | null = null;

  constructor(opts: AccountReposOptions) {
    this.#opts = opts;
    const idle = opts.idle;
    this.#gate = idle && idle.maxLoadedDocuments > 0 ? new LoadGate(idle.maxLoadedDocuments) : null;
    if (idle && (idle.documentMs > 0 || idle.accountMs > 0 || idle.maxLoadedDocuments > 0)) {
      const every = Math.min(500, Math.max(50, Math.floor(Math.min(idle.documentMs || Infinity, idle.accountMs || Infinity) / 4)));
      this.#sweeper = setInterval(() => void this.sweep(), every);
      this.#sweeper.unref();
    }
  }

  get(accountId: string): Promise<AccountRepo> {
    if (this.#shutDown) return Promise.reject(new Error('relay is shutting down'));
    let entry = this.#open.get(accountId);
    if (!entry) {
      const opening = this.#openRepo(accountId);
      this.#open.set(accountId, opening);
      if (this.connections(accountId) === 0) this.#idleSince.set(accountId, Date.now());
      // A failed open is not cached: the next connection tries again.
      opening.catch(() => {
        if (this.#open.get(accountId) === opening) this.#open.delete(accountId);
      });
      entry = opening;
    }
    return entry;
  }

  /** Account ids whose Repo is open now. */
  openAccountIds(): string[] {
    return [...this.#open.keys()];
  }

  /** Counts a connection (call before get(), so the account cannot be closed in between). */
  retain(accountId: string): void {
    this.#connections.set(accountId, (this.#connections.get(accountId) ?? 0) + 1);
    this.#idleSince.delete(accountId);
  }

  release(accountId: string): void {
    const n = (this.#connections.get(accountId) ?? 0) - 1;
    if (n > 0) {
      this.#connections.set(accountId, n);
      return;
    }
    this.#connections.delete(accountId);
    this.#idleSince.set(accountId, Date.now());
  }

  connections(accountId: string): number {
    return this.#connections.get(accountId) ?? 0;
  }

  async stats(): Promise<AccountStats[]> {
    const out: AccountStats[] = [];
    for (const [accountId, entry] of this.#open) {
      const acc = await entry.catch(() => null);
      if (!acc) continue;
      const usage = acc.quota.usage();
      out.push({
        accountId,
        connections: this.connections(accountId),
        loadedDocuments: Object.values(acc.repo.handles).filter((h) => h.isReady()).length,
        storedDocuments: usage.documents,
        storedBytes: usage.bytes,
      });
    }
    return out;
  }

  async #openRepo(accountId: string): Promise<AccountRepo> {
    await this.#closing.get(accountId);
    const { log } = this.#opts;
    const dir = accountDocumentsDir(this.#opts.dataDir, accountId);
    const files = new AtomicFSStorageAdapter(dir);
    await files.clearStaleTempFiles();
    const quota = new QuotaStorageAdapter(this.#opts.wrapStorage ? this.#opts.wrapStorage(accountId, files) : files, {
      usage: await files.scanUsage(),
      sizeOf: (key) => files.sizeOf(key),
      maxDocuments: this.#opts.maxDocumentsPerAccount ?? 0,
      maxBytes: this.#opts.maxAccountBytes ?? 0,
    });
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.#opts.maxMessageBytes ?? MAX_MESSAGE_BYTES,
      // Sync messages are mostly compressed columnar data; deflate would cost CPU and memory per socket for little.
      perMessageDeflate: false,
    });
    const activity = new Map<DocumentId, number>();
    const answered = new Set<DocumentId>();
    const edited = new Map<DocumentId, number>();
    const discarded = new Set<DocumentId>();
    let adapterRef: GuardedServerAdapter | null = null;
    let accRef: AccountRepo | null = null;
    const storage = new RelayStorageSubsystem(quota, {
      onError: (err) => adapterRef?.logStorageError(`a background write failed (${err instanceof Error ? err.message : String(err)})`),
    });
    const flush = async (documentIds?: DocumentId[]): Promise<void> => {
      const ids = documentIds ?? (Object.keys(repo.handles) as DocumentId[]);
      await Promise.all(
        ids.map((id) => {
          const h = repo.handles[id];
          if (h) {
            discarded.delete(id); // loaded again (from disk): what it holds now is what counts
            if (!h.isReady()) return undefined;
            return storage.saveDocStrict(id, h.doc()).then((wrote) => {
              if (wrote) edited.set(id, Date.now());
            });
          }
          // Not in the cache: unloaded, which wrote it first — unless it was discarded after a
          // failed write, and then what a pending message says about it is not on disk.
          if (discarded.has(id)) return Promise.reject(new Error('the document could not be written'));
          return undefined;
        }),
      );
    };
    const adapter = new GuardedServerAdapter(wss, {
      label: accountId,
      log,
      keepAliveInterval: this.#opts.keepAliveInterval,
      persistBeforeAck: (documentId) => flush([documentId]),
      onActivity: (documentId) => activity.set(documentId, Date.now()),
      onDelivered: (documentId) => {
        answered.add(documentId);
        if (this.#gate && this.#gate.waiting > 0) this.#relieve();
      },
      describeStorageError,
      onPersistFailure: (documentId) => {
        const acc = accRef;
        if (acc) void this.discardDocument(acc, documentId);
      },
    });
    adapterRef = adapter;
    const repo = new Repo({
      storage: quota,
      network: [adapter],
      peerId: relayPeerId(accountId),
      // The relay answers what clients ask for and never pushes documents on its own.
      sharePolicy: async () => false,
    });
    // See relay-storage.ts: every path the relay uses reads this property at call time.
    (repo as unknown as { storageSubsystem: RelayStorageSubsystem }).storageSubsystem = storage;
    // The repo loads a document for an incoming message with find(). In 2.5.6 find() races its
    // load against a module-level promise that never settles (foreverPromise), and each race
    // leaves a reaction on it that holds the loaded document: every document ever loaded stays
    // in memory (measured: ~35 KB of JS heap and ~55 KB of wasm per conversation document,
    // still held after the Repo is closed). findClassic loads the same way (storage first, then
    // the network) without that race; with allowableStates it returns as soon as the handle is
    // loaded or requested, which is what the synchronizer asks for.
    repo.find = ((id, options) => repo.findClassic(id, options)) as Repo['find'];
    // A message the repo cannot apply (corrupt changes that pass the frame checks) rejects in
    // here; the repo would print the whole message, contents included, to stdout. Instead:
    // one log line without contents, and the sender's socket is closed.
    const synchronizer = repo.synchronizer;
    const receive = synchronizer.receiveMessage.bind(synchronizer);
    const apply = async (message: Parameters<typeof receive>[0]): Promise<void> => {
      try {
        await receive(message);
      } catch (err) {
        log(`sync[${accountId}]: could not apply a message from peer ${message.senderId} (${err instanceof Error ? err.name : 'error'})`);
        adapter.rejectPeer(message.senderId, { code: CLOSE.policyViolation, reason: 'message could not be applied' });
      }
    };
    // Every message about a document passes the load gate: it may wait for a slot, never refused.
    const gate = this.#gate;
    synchronizer.receiveMessage = (message) => {
      const documentId = message.documentId;
      if (!gate || !documentId) return apply(message);
      answered.delete(documentId);
      // The common case, on every message: no promise or closure for the queue.
      if (gate.enter(accountId, documentId)) {
        activity.set(documentId, Date.now());
        return apply(message);
      }
      return new Promise<void>((resolve) => {
        gate.admit(accountId, documentId, () => {
          activity.set(documentId, Date.now()); // quiet counts from here, not from its arrival
          void apply(message).then(resolve);
        });
        if (gate.waiting > 0) this.#relieve();
      });
    };
    await adapter.whenConnected();
    accRef = { accountId, repo, wss, adapter, storage, quota, activity, answered, edited, discarded, flush };
    return accRef;
  }

  /** Creates the account's workspace document and returns its URL once it is on disk. */
  async createWorkspace(accountId: string, name: string): Promise<string> {
    const acc = await this.get(accountId);
    const handle = acc.repo.create<WorkspaceDoc>(initialWorkspace(name));
    acc.activity.set(handle.documentId, Date.now());
    await acc.flush([handle.documentId]);
    return handle.url;
  }

  /**
   * Writes one loaded document and unloads it. Returns false (and leaves it loaded) when it
   * cannot be written or a client touched it meanwhile.
   */
  async unloadDocument(acc: AccountRepo, documentId: DocumentId, lastSeen?: number): Promise<boolean> {
    const handle = acc.repo.handles[documentId];
    if (!handle?.isReady()) return false;
    const touched = acc.activity.get(documentId);
    // The sweep decided on an older reading: a message that arrived since may still be on its
    // way through the repo (see below), so the document is not idle after all.
    if (lastSeen !== undefined && touched !== lastSeen) return false;
    if (acc.storage.isAnswerPending(documentId)) return false;
    try {
      await acc.storage.saveDocStrict(documentId, handle.doc());
    } catch (err) {
      acc.adapter.logStorageError(`could not write an idle document, keeping it loaded (${err instanceof Error ? err.message : String(err)})`);
      return false;
    }
    await acc.storage.compact(documentId, handle.doc());
    // Rechecked after the write, and nothing awaited from here to the unload: a message about
    // this document that arrived meanwhile has moved its activity time, and one whose answer
    // waits for a sync-state read from disk has it pending. Unloading it then would make the
    // repo answer from the unloaded, empty handle, and the client would never get the document
    // (relay-storage.ts, point 5).
    if (acc.activity.get(documentId) !== touched || acc.storage.isAnswerPending(documentId)) return false;
    if (acc.repo.handles[documentId] !== handle || !handle.isReady()) return false;
    const doc = handle.doc();
    if (!(await this.#drop(acc, documentId, handle))) return false;
    // Written above and unchanged since (same activity, no answer pending): its memory can go now
    // rather than at the next full garbage collection (relay-storage.ts, retire).
    acc.storage.retire(doc);
    return true;
  }

  /**
   * Drops a document from memory without writing it, after a write for an acknowledgement
   * failed (full disk, limit). Its unsaved changes were never acknowledged and are still on the
   * clients; dropping it also drops the repo's sync states, which count the unsent
   * acknowledgement as sent. The next message about it reloads it from disk and the sync
   * protocol asks the client again for what is missing.
   */
  async discardDocument(acc: AccountRepo, documentId: DocumentId): Promise<void> {
    const handle = acc.repo.handles[documentId];
    if (!handle?.isReady()) return;
    acc.discarded.add(documentId);
    await this.#drop(acc, documentId, handle);
  }

  /**
   * Removes a loaded document from the repo's cache (listeners detached first: see the top of
   * this file). False when another drop of it is under way: the sweep and the load gate can
   * both decide to unload a document, and removeFromCache waits a tick before it unloads, so
   * the second would find the handle unloaded (the repo then throws) and free its memory twice.
   */
  async #drop(acc: AccountRepo, documentId: DocumentId, handle: DocHandle<unknown>): Promise<boolean> {
    const key = `${acc.accountId}/${documentId}`;
    if (this.#dropping.has(key)) return false;
    this.#dropping.add(key);
    try {
      handle.removeAllListeners('heads-changed');
      handle.removeAllListeners('change');
      await acc.repo.removeFromCache(documentId);
    } catch (err) {
      // Left loaded: a later sweep tries again. Thrown, it would end the sweep or the load gate's look.
      this.#opts.log(`sync[${acc.accountId}]: could not unload a document (${err instanceof Error ? err.message : String(err)})`);
      return false;
    } finally {
      this.#dropping.delete(key);
    }
    acc.activity.delete(documentId);
    acc.answered.delete(documentId);
    acc.edited.delete(documentId);
    acc.storage.forget(documentId);
    this.#gate?.release(acc.accountId, documentId);
    return true;
  }

  /** Makes room for documents waiting at the load gate: unloads answered or quiet ones, soonest first. */
  #relieve(): void {
    if (this.#relieving) {
      this.#relieveAgain = true;
      return;
    }
    // Asked for on every answer while documents wait, and each look goes over every loaded
    // document: at most one look per RELIEVE_EVERY_MS (measured: up to 7% of the relay's CPU
    // while 250 edited documents took turns at a cap of 100).
    const early = this.#relievedAt + RELIEVE_EVERY_MS - Date.now();
    if (early > 0) {
      this.#relieveSoon ??= setTimeout(() => {
        this.#relieveSoon = null;
        this.#relieve();
      }, early);
      return;
    }
    this.#relievedAt = Date.now();
    this.#relieving = this.#relievePressure().finally(() => {
      this.#relieving = null;
      if (this.#relieveAgain) {
        this.#relieveAgain = false;
        this.#relieve();
      }
    });
  }

  async #relievePressure(): Promise<void> {
    const gate = this.#gate;
    if (!gate || this.#shutDown) return;
    const now = Date.now();
    const candidates: { acc: AccountRepo; entry: Promise<AccountRepo>; id: DocumentId; last: number }[] = [];
    let soonest = Infinity; // when the next document becomes a candidate
    let allLive = true; // every slot held by a document in live use
    for (const [accountId, entry] of [...this.#open]) {
      const acc = await entry.catch(() => null);
      if (!acc || this.#open.get(accountId) !== entry) continue;
      for (const [id, since] of gate.heldBy(accountId)) {
        const documentId = id as DocumentId;
        const handle = acc.repo.handles[documentId];
        if (!handle?.isReady()) {
          allLive = false;
          // Admitted but not loaded (unavailable, or gone): holds no document, only the slot.
          if (now - since >= MIN_IDLE_FOR_EVICTION_MS && !handle?.inState(['idle', 'loading'])) gate.release(accountId, documentId);
          else soonest = Math.min(soonest, MIN_IDLE_FOR_EVICTION_MS);
          continue;
        }
        const editedAt = acc.edited.get(documentId);
        const live = editedAt !== undefined && now - editedAt < LIVE_EDIT_MS;
        if (!live) allLive = false;
        const last = acc.activity.get(documentId) ?? since;
        // A document being edited pauses between changes longer than a fetch between its
        // messages: unloading it after an answer would only make its next change wait and reload
        // it (measured: 250 documents edited at once with the cap at 100 cost ~12% of throughput).
        const wait = (acc.answered.has(documentId) && !live ? ANSWERED_QUIET_MS : MIN_IDLE_FOR_EVICTION_MS) - (now - last);
        if (wait <= 0) candidates.push({ acc, entry, id: documentId, last });
        else soonest = Math.min(soonest, wait);
      }
    }
    // Nothing to unload and every slot busy with live edits: admit past the cap rather than
    // starve the waiting (the next answer triggers another look, so they enter a few at a time).
    if (candidates.length === 0 && allLive && gate.held > 0) gate.overflow(OVERFLOW_BATCH);
    candidates.sort((a, b) => a.last - b.last);
    for (const { acc, entry, id, last } of candidates) {
      if (gate.waiting === 0 || this.#shutDown) return;
      if (this.#open.get(acc.accountId) !== entry) continue;
      await this.unloadDocument(acc, id, last);
    }
    // Still waiting: look again when the next document is due (answers also trigger a look).
    if (gate.waiting > 0 && !this.#relieveTimer && soonest < Infinity) {
      this.#relieveTimer = setTimeout(() => {
        this.#relieveTimer = null;
        this.#relieve();
      }, Math.max(10, soonest));
    }
  }

  /** One pass of idle unloading; runs on a timer, exposed for tests. */
  sweep(): Promise<void> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = null;
    });
    return this.#sweeping;
  }

  async #sweep(): Promise<void> {
    const idle = this.#opts.idle;
    if (!idle || this.#shutDown) return;
    const now = Date.now();
    // 1. Accounts left without connections: closed whole.
    let closedSome = false;
    for (const accountId of [...this.#open.keys()]) {
      const since = this.#idleSince.get(accountId);
      if (idle.accountMs > 0 && this.connections(accountId) === 0 && since !== undefined && now - since >= idle.accountMs) {
        try {
          await this.close(accountId);
          closedSome = true;
          this.#opts.log(`sync[${accountId}]: account unloaded after ${Math.round((now - since) / 1000)} s without connections`);
        } catch (err) {
          this.#opts.log(`sync[${accountId}]: could not unload the idle account (${err instanceof Error ? err.message : String(err)})`);
        }
      }
    }
    if (closedSome && this.#open.size === 0) {
      // No Repo left, so no document of the current wasm instance is used again: its memory can go.
      if (this.#closing.size === 0 && renewWasmIfEnabled()) this.#opts.log('sync: no account open; Automerge wasm instance renewed (the old one is freed at the next collection)');
      this.#opts.onAllClosed?.();
    }
    // 2. Loaded documents of every open account, least recently used first: those idle for
    //    documentMs go, and past maxLoadedDocuments (all accounts together) the oldest go.
    const loaded: { acc: AccountRepo; entry: Promise<AccountRepo>; id: DocumentId; last: number }[] = [];
    for (const [accountId, entry] of [...this.#open]) {
      const acc = await entry.catch(() => null);
      if (!acc || this.#open.get(accountId) !== entry) continue;
      for (const [id, handle] of Object.entries(acc.repo.handles) as [DocumentId, DocHandle<unknown>][]) {
        if (!handle.isReady()) continue;
        let last = acc.activity.get(id);
        if (last === undefined) acc.activity.set(id, (last = now)); // first seen now
        loaded.push({ acc, entry, id, last });
      }
      for (const id of acc.activity.keys()) if (!acc.repo.handles[id]) acc.activity.delete(id);
    }
    loaded.sort((a, b) => a.last - b.last);
    let excess = idle.maxLoadedDocuments > 0 ? loaded.length - idle.maxLoadedDocuments : 0;
    const minQuiet = Math.min(MIN_IDLE_FOR_EVICTION_MS, idle.documentMs || MIN_IDLE_FOR_EVICTION_MS);
    for (const { acc, entry, id, last } of loaded) {
      const quiet = Date.now() - last;
      const expired = idle.documentMs > 0 && quiet >= idle.documentMs;
      const evict = excess > 0 && quiet >= minQuiet;
      if (!expired && !evict) break; // sorted: the rest were touched more recently still
      if (this.#shutDown) break;
      if (this.#open.get(acc.accountId) !== entry) continue;
      if (await this.unloadDocument(acc, id, last)) excess--;
    }
  }

  /** Disconnects the account's clients, writes its documents and forgets its Repo. */
  async close(accountId: string): Promise<void> {
    const entry = this.#open.get(accountId);
    if (!entry) return;
    this.#open.delete(accountId);
    this.#idleSince.delete(accountId);
    this.#gate?.releaseAccount(accountId);
    const closing = (async () => {
      let acc: AccountRepo;
      try {
        acc = await entry;
      } catch {
        return; // never opened
      }
      await closeSockets(acc.wss, CLOSE.goingAway, 'relay shutting down', 1_000);
      await new Promise<void>((resolve) => acc.wss.close(() => resolve()));
      // Write what can be written. A document that cannot be (a full disk, a limit) holds
      // only changes that were never acknowledged, which its clients still have: they are
      // reported, and the close goes on.
      const ids = (Object.keys(acc.repo.handles) as DocumentId[]).filter((id) => acc.repo.handles[id]?.isReady());
      const results = await Promise.allSettled(
        ids.map(async (id) => {
          await acc.flush([id]);
          const handle = acc.repo.handles[id];
          if (handle?.isReady()) await acc.storage.compact(id, handle.doc());
        }),
      );
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length > 0) {
        const why = failed[0]?.reason instanceof Error ? failed[0].reason.message : String(failed[0]?.reason);
        this.#opts.log(`sync[${accountId}]: ${failed.length} document(s) with unacknowledged changes could not be written on close (${why})`);
      }
      // Nothing may hold the Repo now; detach the handles so pending timers let go of them too.
      for (const handle of Object.values(acc.repo.handles)) handle.removeAllListeners();
    })();
    this.#closing.set(accountId, closing);
    try {
      await closing;
    } finally {
      if (this.#closing.get(accountId) === closing) this.#closing.delete(accountId);
    }
  }

  /** Closes every account's Repo; afterwards get() refuses, so nothing reopens during shutdown. */
  async closeAll(): Promise<void> {
    this.#shutDown = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    if (this.#relieveTimer) clearTimeout(this.#relieveTimer);
    if (this.#relieveSoon) clearTimeout(this.#relieveSoon);
    await this.#sweeping;
    const results = await Promise.allSettled(this.openAccountIds().map((id) => this.close(id)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason as unknown), 'some accounts failed to flush');
  }
}
