/**
 * One automerge-repo Repo per account, opened on first use.
 *
 * Isolation by construction: an account's Repo only has that account's storage folder and
 * only that account's sockets, so no share policy or lookup can leak a document across
 * accounts. Kept behind get/close/closeAll so idle accounts can be unloaded and reopened
 * (a Repo keeps every document it has touched in memory).
 */
import { Repo, type DocumentId, type PeerId } from '@automerge/automerge-repo';
import { WebSocketServer } from 'ws';
import { initialWorkspace, type WorkspaceDoc } from '../shared/schema/workspace.ts';
import { accountDocumentsDir } from './accounts.ts';
import { AtomicFSStorageAdapter } from './doc-storage.ts';
import { GuardedServerAdapter } from './guarded-adapter.ts';
import { CLOSE } from './message-guard.ts';

/** Largest accepted WebSocket message. Generous for big documents, small enough to bound memory per socket. */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export interface AccountRepo {
  accountId: string;
  repo: Repo;
  /** noServer: the HTTP server's upgrade handler hands authenticated sockets to it. */
  wss: WebSocketServer;
  adapter: GuardedServerAdapter;
}

export interface AccountReposOptions {
  dataDir: string;
  log: (line: string) => void;
  maxMessageBytes?: number;
  keepAliveInterval?: number;
}

export function relayPeerId(accountId: string): PeerId {
  return `relay-${accountId}` as PeerId;
}

/** Flushes the documents that are loaded; Repo.flush() throws on handles still requesting or unavailable. */
export async function flushLoaded(repo: Repo, documentIds?: DocumentId[]): Promise<void> {
  const ids = (documentIds ?? (Object.keys(repo.handles) as DocumentId[])).filter((id) => repo.handles[id]?.isReady());
  if (ids.length > 0) await repo.flush(ids);
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

export class AccountRepos {
  readonly #opts: AccountReposOptions;
  readonly #open = new Map<string, Promise<AccountRepo>>();
  /** Closes in progress: reopening waits for them, so two Repos never share a folder in one process. */
  readonly #closing = new Map<string, Promise<void>>();
  #shutDown = false;

  constructor(opts: AccountReposOptions) {
    this.#opts = opts;
  }

  get(accountId: string): Promise<AccountRepo> {
    if (this.#shutDown) return Promise.reject(new Error('relay is shutting down'));
    let entry = this.#open.get(accountId);
    if (!entry) {
      const opening = this.#openRepo(accountId);
      this.#open.set(accountId, opening);
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

  async #openRepo(accountId: string): Promise<AccountRepo> {
    await this.#closing.get(accountId);
    const dir = accountDocumentsDir(this.#opts.dataDir, accountId);
    const storage = new AtomicFSStorageAdapter(dir);
    await storage.clearStaleTempFiles();
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.#opts.maxMessageBytes ?? MAX_MESSAGE_BYTES,
      // Sync messages are mostly compressed columnar data; deflate would cost CPU and memory per socket for little.
      perMessageDeflate: false,
    });
    let repo: Repo | null = null;
    const adapter = new GuardedServerAdapter(wss, {
      label: accountId,
      log: this.#opts.log,
      keepAliveInterval: this.#opts.keepAliveInterval,
      persistBeforeAck: (documentId) => (repo ? flushLoaded(repo, [documentId]) : Promise.resolve()),
    });
    repo = new Repo({
      storage,
      network: [adapter],
      peerId: relayPeerId(accountId),
      // The relay answers what clients ask for and never pushes documents on its own.
      sharePolicy: async () => false,
    });
    await adapter.whenConnected();
    return { accountId, repo, wss, adapter };
  }

  /** Creates the account's workspace document and returns its URL once it is on disk. */
  async createWorkspace(accountId: string, name: string): Promise<string> {
    const { repo } = await this.get(accountId);
    const handle = repo.create<WorkspaceDoc>(initialWorkspace(name));
    await repo.flush([handle.documentId]);
    return handle.url;
  }

  /** Disconnects the account's clients, writes its documents and forgets its Repo. */
  async close(accountId: string): Promise<void> {
    const entry = this.#open.get(accountId);
    if (!entry) return;
    this.#open.delete(accountId);
    const closing = (async () => {
      let acc: AccountRepo;
      try {
        acc = await entry;
      } catch {
        return; // never opened
      }
      await closeSockets(acc.wss, CLOSE.goingAway, 'relay shutting down', 1_000);
      await new Promise<void>((resolve) => acc.wss.close(() => resolve()));
      await flushLoaded(acc.repo);
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
    const results = await Promise.allSettled(this.openAccountIds().map((id) => this.close(id)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length > 0) throw new AggregateError(failed.map((f) => f.reason as unknown), 'some accounts failed to flush');
  }
}
