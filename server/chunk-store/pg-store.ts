// Over 400 lines on purpose: one ChunkStore; the invariants below span begin, commit, refresh, read and reclaim over one in-memory index.
/**
 * ChunkStore on PostgreSQL (DATABASE_URL): any number of relay processes share one database.
 *
 * Rows: chunk_logs (per account: the seq counter and bytes used), chunks (one per stored chunk),
 * chunk_parts (its bytes, inserted part by part as they arrive). See server/pg/migrations.ts.
 *
 * Invariants:
 * - Seqs are gap-free and ordered per account whatever the number of relays: a commit locks the
 *   account's chunk_logs row (SELECT … FOR UPDATE) in the transaction that inserts the chunk, so
 *   seq N+1 is only handed out after seq N's transaction has committed. Hence the rows any one
 *   statement sees always form a prefix of the log.
 * - commit() resolves (and the relay acks) only after the transaction committed.
 * - An open log keeps an in-memory index of its rows (metadata only, no bytes), as the files
 *   store does; the index is only ever advanced by one refresh at a time, which reads every row
 *   with seq > the indexed head in one statement, applies them in seq order and then tells
 *   onDurable listeners. Each commit sends `NOTIFY atelier_chunks, '<account>:<seq>'` in its
 *   transaction; every relay LISTENs (one connection per process) and refreshes the account's open
 *   log, which is how a chunk uploaded through one relay reaches the devices on every other.
 *   After the LISTEN connection is lost and comes back, every open log refreshes (a missed
 *   notification costs nothing more than that).
 * - A database error becomes ChunkStoreError 'unavailable' (the device is told to retry); nothing
 *   committed is affected, and the pool reconnects by itself on the next query.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { ChunkKind } from '../../shared/sync/protocol.ts';
import type { EphBridge } from '../sync/account-hub.ts';
import { inTransaction, isTransient, makePool } from '../pg/db.ts';
import { migrateOnce } from '../pg/migrations.ts';
import { ChunkStoreError, type AccountLog, type AppendResult, type ChunkMeta, type ChunkStore, type ChunkUpload, type StoredEntry } from './chunk-store.ts';

export const DEFAULT_GRACE_MS = 7 * 24 * 3600_000;
export const NOTIFY_CHANNEL = 'atelier_chunks';
/** Ephemeral frames between relays: `<relay id>:<account>:<frame, base64>` */
export const EPH_CHANNEL = 'atelier_eph';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
const MAX_NOTIFY_BYTES = 7_999;
/** Parts of uploads never committed are deleted by reclaim() once this old. */
const ABANDONED_UPLOAD_MS = 24 * 3600_000;

export interface PgChunkStoreOptions {
  /** a pool shared with the rest of the relay, or `url` to make one */
  pool?: pg.Pool;
  url?: string;
  graceMs?: number;
  now?: () => number;
  log?: (line: string) => void;
  /** first wait before reconnecting the LISTEN connection (doubles up to 5 s) */
  reconnectMs?: number;
  /** more channels the LISTEN connection listens on for other parts of the relay (presence) */
  channels?: readonly ListenChannel[];
}

/** A channel another part of the relay hears through the store's LISTEN connection. */
export interface ListenChannel {
  name: string;
  onNotify(payload: string): void;
  /** called each time the connection listens again (at start and after a reconnect: notifications may have been missed) */
  onListening(): void;
}

interface Entry extends StoredEntry {
  upload: string;
  droppedAt: number | null;
}

interface Row {
  doc: string | null;
  chunk: string | null;
  seq: string | null;
  kind: string | null;
  size: string | null;
  upload: string | null;
  committed_at: string | null;
  covers: string[] | null;
  dropped_at: string | null;
  head: string;
  bytes: string;
}

const key = (doc: string, chunk: string) => `${doc}/${chunk}`;

function unavailable(err: unknown): unknown {
  if (err instanceof ChunkStoreError) return err;
  if (!isTransient(err)) return err;
  const why = err instanceof Error ? err.message : String(err);
  return new ChunkStoreError('unavailable', `the database is unreachable now; retry later (${why})`);
}

export class PgChunkStore implements ChunkStore {
  readonly pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #opts: PgChunkStoreOptions;
  readonly #open = new Map<string, Set<PgAccountLog>>();
  #listener: pg.PoolClient | null = null;
  #listening: Promise<void> | null = null;
  #reconnectTimer: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #migrate: () => Promise<unknown>;
  /** tells this process's own ephemeral notifications apart (it delivered them locally already) */
  readonly #relayId = randomUUID();
  readonly #eph = new Map<string, Set<(frame: Uint8Array) => void>>();

  /**
   * Ephemeral frames to the other relays through NOTIFY. A frame whose notification would pass
   * PostgreSQL's 8000-byte limit (a body of about 5.9 KB) reaches only this relay's sockets, and
   * is logged; the app's ephemeral messages are far smaller.
   */
  readonly ephBridge: EphBridge = {
    publish: (accountId, frame) => {
      const payload = `${this.#relayId}:${accountId}:${Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64')}`;
      if (payload.length > MAX_NOTIFY_BYTES) {
        this.#opts.log?.(`sync: account ${accountId}: an ephemeral message of ${frame.length} bytes went to this relay's devices only (too large for NOTIFY)`);
        return;
      }
      this.pool.query('SELECT pg_notify($1, $2)', [EPH_CHANNEL, payload]).catch((err: unknown) => {
        this.#opts.log?.(`sync: account ${accountId}: an ephemeral message did not reach the other relays (${err instanceof Error ? err.message : String(err)})`);
      });
    },
    subscribe: (accountId, deliver) => {
      let set = this.#eph.get(accountId);
      if (!set) this.#eph.set(accountId, (set = new Set()));
      set.add(deliver);
      return () => {
        set.delete(deliver);
        if (set.size === 0 && this.#eph.get(accountId) === set) this.#eph.delete(accountId);
      };
    },
  };

  constructor(opts: PgChunkStoreOptions) {
    if (!opts.pool && !opts.url) throw new Error('PgChunkStore needs a pool or a url');
    this.#opts = opts;
    this.#ownsPool = !opts.pool;
    this.pool = opts.pool ?? makePool({ url: opts.url ?? '', log: opts.log });
    this.#migrate = migrateOnce(this.pool);
  }

  /** Runs the migrations (once per store) and starts listening. */
  async start(): Promise<void> {
    await this.#migrate();
    await this.#listen().catch(() => this.#scheduleReconnect());
  }

  async open(accountId: string): Promise<AccountLog> {
    try {
      await this.start();
      await this.pool.query('INSERT INTO chunk_logs (account) VALUES ($1) ON CONFLICT DO NOTHING', [accountId]);
      const log = new PgAccountLog(accountId, this, this.#opts);
      await log.refresh();
      let set = this.#open.get(accountId);
      if (!set) this.#open.set(accountId, (set = new Set()));
      set.add(log);
      return log;
    } catch (err) {
      throw unavailable(err);
    }
  }

  /** @internal called by a log's close() */
  forget(log: PgAccountLog): void {
    const set = this.#open.get(log.accountId);
    set?.delete(log);
    if (set?.size === 0) this.#open.delete(log.accountId);
  }

  #listen(): Promise<void> {
    if (this.#listener || this.#closed) return Promise.resolve();
    this.#listening ??= (async () => {
      const c = await this.pool.connect();
      const lost = (why: string) => {
        if (this.#listener !== c) return;
        this.#listener = null;
        this.#opts.log?.(`database: lost the notification connection (${why}); reconnecting`);
        c.release(true);
        this.#scheduleReconnect();
      };
      c.on('error', (err) => lost(err.message));
      c.on('end', () => lost('closed'));
      c.on('notification', (n) => {
        if (!n.payload) return;
        if (n.channel === NOTIFY_CHANNEL) {
          const at = n.payload.lastIndexOf(':');
          const account = n.payload.slice(0, at);
          const seq = Number(n.payload.slice(at + 1));
          for (const log of this.#open.get(account) ?? []) log.poke(Number.isSafeInteger(seq) ? seq : undefined);
        } else if (n.channel === EPH_CHANNEL) {
          const [relay, account, b64] = n.payload.split(':');
          if (relay === this.#relayId || !account || b64 === undefined) return;
          const subs = this.#eph.get(account);
          if (!subs) return;
          const frame = Buffer.from(b64, 'base64');
          for (const deliver of subs) deliver(frame);
        } else {
          for (const ch of this.#opts.channels ?? []) if (ch.name === n.channel) ch.onNotify(n.payload);
        }
      });
      try {
        await c.query(`LISTEN ${NOTIFY_CHANNEL}`);
        await c.query(`LISTEN ${EPH_CHANNEL}`);
        for (const ch of this.#opts.channels ?? []) await c.query(`LISTEN ${ch.name}`);
      } catch (err) {
        c.release(true);
        throw err;
      }
      if (this.#closed) {
        c.release(true);
        return;
      }
      this.#listener = c;
      // Anything committed while nobody listened is read now.
      for (const set of this.#open.values()) for (const log of set) log.poke();
      for (const ch of this.#opts.channels ?? []) ch.onListening();
    })().finally(() => {
      this.#listening = null;
    });
    return this.#listening;
  }

  #scheduleReconnect(delay = this.#opts.reconnectMs ?? 250): void {
    if (this.#closed || this.#reconnectTimer) return;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      this.#listen().catch(() => this.#scheduleReconnect(Math.min(delay * 2, 5_000)));
    }, delay);
    this.#reconnectTimer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    const c = this.#listener;
    this.#listener = null;
    c?.release(true);
    if (this.#ownsPool) await this.pool.end();
  }
}

class PgAccountLog implements AccountLog {
  readonly accountId: string;
  readonly #store: PgChunkStore;
  readonly #pool: pg.Pool;
  readonly #graceMs: number;
  readonly #now: () => number;
  readonly #index = new Map<string, Entry>();
  /** live and dropped entries in seq order (a recovered entry moves to its new place) */
  #order: Entry[] = [];
  #head = 0;
  #bytes = 0;
  #closed = false;
  readonly #listeners = new Set<(entries: readonly StoredEntry[]) => void>();
  #refreshing: Promise<void> | null = null;
  #again = false;

  constructor(accountId: string, store: PgChunkStore, opts: PgChunkStoreOptions) {
    this.accountId = accountId;
    this.#store = store;
    this.#pool = store.pool;
    this.#graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
    this.#now = opts.now ?? Date.now;
  }

  head(): number {
    return this.#head;
  }

  bytesUsed(): number {
    return this.#bytes;
  }

  onDurable(listener: (entries: readonly StoredEntry[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * A notification said the log reached `seq`: refresh unless this log is there already (its own
   * commits are indexed before they are acknowledged). Errors are retried by the next poke.
   */
  poke(seq?: number): void {
    if (this.#closed || (seq !== undefined && seq <= this.#head)) return;
    this.refresh().catch(() => {});
  }

  /** Reads every row past the indexed head; one refresh runs at a time, later calls coalesce. */
  refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    const run = (async () => {
      do {
        this.#again = false;
        await this.#refreshOnce();
      } while (this.#again && !this.#closed);
    })().finally(() => {
      this.#refreshing = null;
    });
    this.#refreshing = run;
    return run;
  }

  async #refreshOnce(): Promise<void> {
    // One statement, one snapshot: the head and bytes match the rows read.
    const { rows } = await this.#pool.query<Row>(
      `SELECT c.doc, c.chunk, c.seq, c.kind, c.size, c.upload, c.committed_at, c.covers, c.dropped_at, l.head, l.bytes
         FROM chunk_logs l LEFT JOIN chunks c ON c.account = l.account AND c.seq > $2
        WHERE l.account = $1 ORDER BY c.seq`,
      [this.accountId, this.#head],
    );
    if (this.#closed) return;
    const first = rows[0];
    if (!first) return;
    const fresh: Entry[] = [];
    for (const r of rows) {
      if (r.seq === null || r.doc === null || r.chunk === null) continue;
      const seq = Number(r.seq);
      const k = key(r.doc, r.chunk);
      const droppedAt = r.dropped_at === null ? null : Number(r.dropped_at);
      let e = this.#index.get(k);
      if (e) {
        // Recovered (a new seq) or seen before its drop: moved to its new place.
        this.#order.splice(this.#order.indexOf(e), 1);
        e.seq = seq;
        e.droppedAt = droppedAt;
      } else {
        e = { seq, doc: r.doc, chunk: r.chunk, kind: r.kind as ChunkKind, size: Number(r.size), upload: r.upload ?? '', droppedAt };
        this.#index.set(k, e);
      }
      this.#order.push(e);
      // A snapshot drops what it covers, in the same transaction.
      for (const c of r.covers ?? []) {
        const covered = this.#index.get(key(r.doc, c));
        if (covered && covered !== e && covered.droppedAt === null) covered.droppedAt = Number(r.committed_at);
      }
      if (e.droppedAt === null) fresh.push(e);
    }
    this.#head = Math.max(this.#head, Number(first.head));
    this.#bytes = Number(first.bytes);
    const out = fresh.filter((e) => e.droppedAt === null).map(publicEntry);
    if (out.length > 0) for (const l of this.#listeners) l(out);
  }

  async #caughtUpTo(seq: number): Promise<void> {
    while (this.#head < seq && !this.#closed) await this.refresh();
  }

  #check(): void {
    if (this.#closed) throw new ChunkStoreError('unavailable', 'the chunk log is closed');
  }

  #checkCovers(doc: string, covers: readonly string[] | undefined): void {
    for (const c of covers ?? []) {
      if (!this.#index.has(key(doc, c))) throw new ChunkStoreError('bad-covers', `covers a chunk this document does not have: ${c}`);
    }
  }

  begin(meta: ChunkMeta & { covers?: readonly string[] }): ChunkUpload | AppendResult {
    this.#check();
    const existing = this.#index.get(key(meta.doc, meta.chunk));
    if (existing) return { seq: existing.seq, duplicate: true };
    if (meta.covers && meta.kind !== 'snapshot') throw new ChunkStoreError('bad-covers', 'only a snapshot covers chunks');
    this.#checkCovers(meta.doc, meta.covers);
    const upload = randomUUID();
    let written = 0;
    let n = 0;
    let aborted = false;
    let chain: Promise<unknown> = Promise.resolve();
    const serial = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = chain.then(fn);
      chain = run.catch(() => {});
      return run;
    };
    return {
      write: (part) =>
        serial(async () => {
          this.#check();
          if (aborted) throw new ChunkStoreError('bad-part', 'upload aborted');
          if (written + part.length > meta.size) throw new ChunkStoreError('bad-part', 'part past the chunk size');
          const bytes = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
          try {
            await this.#pool.query('INSERT INTO chunk_parts (upload, n, account, at, bytes, written_at) VALUES ($1, $2, $3, $4, $5, $6)', [
              upload,
              n,
              this.accountId,
              written,
              bytes,
              this.#now(),
            ]);
          } catch (err) {
            throw unavailable(err);
          }
          n++;
          written += part.length;
        }),
      commit: () =>
        serial(async () => {
          this.#check();
          if (aborted) throw new ChunkStoreError('bad-part', 'upload aborted');
          if (written !== meta.size) throw new ChunkStoreError('bad-part', `chunk incomplete: ${written} of ${meta.size} bytes`);
          let result: AppendResult;
          try {
            result = await this.#commit(meta, upload);
          } catch (err) {
            throw unavailable(err);
          }
          try {
            await this.#caughtUpTo(result.seq);
          } catch (err) {
            // Committed, not yet indexed here: the device retries and is told it is a duplicate.
            throw unavailable(err);
          }
          return result;
        }),
      abort: () => {
        aborted = true;
      },
    };
  }

  #commit(meta: ChunkMeta & { covers?: readonly string[] }, upload: string): Promise<AppendResult> {
    return inTransaction(this.#pool, async (c) => {
      const lock = await c.query<{ head: string }>('SELECT head FROM chunk_logs WHERE account = $1 FOR UPDATE', [this.accountId]);
      const head = Number(lock.rows[0]?.head ?? NaN);
      if (!Number.isFinite(head)) throw new ChunkStoreError('unavailable', 'the account log is gone');
      const other = await c.query<{ seq: string }>('SELECT seq FROM chunks WHERE account = $1 AND doc = $2 AND chunk = $3', [this.accountId, meta.doc, meta.chunk]);
      const dup = other.rows[0];
      if (dup) {
        // Stored meanwhile by another upload (maybe through another relay): ours is garbage.
        await c.query('DELETE FROM chunk_parts WHERE upload = $1', [upload]);
        return { seq: Number(dup.seq), duplicate: true };
      }
      const covers = [...new Set(meta.covers ?? [])];
      if (covers.length > 0) {
        const found = await c.query('SELECT 1 FROM chunks WHERE account = $1 AND doc = $2 AND chunk = ANY($3)', [this.accountId, meta.doc, covers]);
        if (found.rowCount !== covers.length) throw new ChunkStoreError('bad-covers', 'covers a chunk this document does not have');
      }
      const seq = head + 1;
      const t = this.#now();
      await c.query(
        `INSERT INTO chunks (account, doc, chunk, seq, kind, size, upload, committed_at, covers) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [this.accountId, meta.doc, meta.chunk, seq, meta.kind, meta.size, upload, t, covers.length > 0 ? covers : null],
      );
      if (covers.length > 0) {
        await c.query('UPDATE chunks SET dropped_at = $4 WHERE account = $1 AND doc = $2 AND chunk = ANY($3) AND dropped_at IS NULL', [this.accountId, meta.doc, covers, t]);
      }
      await c.query('UPDATE chunk_logs SET head = $2, bytes = bytes + $3 WHERE account = $1', [this.accountId, seq, meta.size]);
      // Delivered to every listening relay when (and only if) the transaction commits.
      await c.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, `${this.accountId}:${seq}`]);
      return { seq, duplicate: false };
    });
  }

  entriesAfter(since: number, limit: number): StoredEntry[] {
    let lo = 0;
    let hi = this.#order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#order[mid]?.seq ?? 0) <= since) lo = mid + 1;
      else hi = mid;
    }
    const out: StoredEntry[] = [];
    for (let i = lo; i < this.#order.length && out.length < limit; i++) {
      const e = this.#order[i];
      if (e && e.droppedAt === null) out.push(publicEntry(e));
    }
    return out;
  }

  async read(entry: StoredEntry, offset: number, len: number): Promise<Uint8Array> {
    const out = Buffer.alloc(len);
    await this.readInto(entry, offset, len, out, 0);
    return out;
  }

  async readInto(entry: StoredEntry, offset: number, len: number, target: Uint8Array, at: number): Promise<void> {
    const e = this.#index.get(key(entry.doc, entry.chunk));
    if (!e) throw new ChunkStoreError('unavailable', 'chunk no longer stored');
    if (offset + len > e.size) throw new ChunkStoreError('bad-part', 'read past the chunk');
    let rows: { at: string; b: Buffer }[];
    try {
      // Only the bytes of the window leave the database: each overlapping part, cut to it.
      ({ rows } = await this.#pool.query<{ at: string; b: Buffer }>(
        `SELECT at, substring(bytes FROM (greatest($2 - at, 0) + 1)::int FOR (least(length(bytes), $2 + $3 - at) - greatest($2 - at, 0))::int) AS b
           FROM chunk_parts WHERE upload = $1 AND at < $2 + $3 AND at + length(bytes) > $2 ORDER BY n`,
        [e.upload, offset, len],
      ));
    } catch (err) {
      throw unavailable(err);
    }
    let got = 0;
    for (const r of rows) {
      const from = Math.max(Number(r.at), offset);
      target.set(r.b, at + (from - offset));
      got += r.b.length;
    }
    if (got < len) throw new ChunkStoreError('unavailable', 'chunk no longer stored');
  }

  async recover(doc?: string): Promise<number> {
    this.#check();
    let last = 0;
    let n = 0;
    try {
      await inTransaction(this.#pool, async (c) => {
        const lock = await c.query<{ head: string }>('SELECT head FROM chunk_logs WHERE account = $1 FOR UPDATE', [this.accountId]);
        const head = Number(lock.rows[0]?.head ?? 0);
        const cutoff = this.#now() - this.#graceMs;
        const back = await c.query<{ doc: string; chunk: string }>(
          `SELECT doc, chunk FROM chunks WHERE account = $1 AND dropped_at IS NOT NULL AND dropped_at > $2 AND NOT gone AND ($3::text IS NULL OR doc = $3) ORDER BY seq`,
          [this.accountId, cutoff, doc ?? null],
        );
        n = back.rows.length;
        if (n === 0) return;
        // Each gets a new seq after the head, in the old order, so every device receives it again.
        await c.query(
          `UPDATE chunks c SET seq = $2 + r.i, dropped_at = NULL
             FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS r(doc, chunk, i)
            WHERE c.account = $1 AND c.doc = r.doc AND c.chunk = r.chunk`,
          [this.accountId, head, back.rows.map((r) => r.doc), back.rows.map((r) => r.chunk)],
        );
        last = head + n;
        await c.query('UPDATE chunk_logs SET head = $2 WHERE account = $1', [this.accountId, last]);
        await c.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, `${this.accountId}:${last}`]);
      });
      await this.#caughtUpTo(last);
    } catch (err) {
      throw unavailable(err);
    }
    return n;
  }

  async reclaim(): Promise<number> {
    this.#check();
    const cutoff = this.#now() - this.#graceMs;
    let freed = 0;
    try {
      await inTransaction(this.#pool, async (c) => {
        await c.query('SELECT 1 FROM chunk_logs WHERE account = $1 FOR UPDATE', [this.accountId]);
        const gone = await c.query<{ upload: string; size: string }>(
          `UPDATE chunks SET gone = true WHERE account = $1 AND dropped_at IS NOT NULL AND dropped_at <= $2 AND NOT gone RETURNING upload, size`,
          [this.accountId, cutoff],
        );
        if (gone.rows.length > 0) {
          freed = gone.rows.reduce((s, r) => s + Number(r.size), 0);
          await c.query('DELETE FROM chunk_parts WHERE upload = ANY($1::uuid[])', [gone.rows.map((r) => r.upload)]);
          await c.query('UPDATE chunk_logs SET bytes = bytes - $2 WHERE account = $1', [this.accountId, freed]);
        }
        // Parts of uploads that never committed (a device that went away mid-chunk).
        await c.query(
          `DELETE FROM chunk_parts p WHERE p.account = $1 AND p.written_at < $2
              AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.upload = p.upload)`,
          [this.accountId, this.#now() - ABANDONED_UPLOAD_MS],
        );
      });
      await this.refresh();
    } catch (err) {
      throw unavailable(err);
    }
    return freed;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#refreshing?.catch(() => {});
    this.#closed = true;
    this.#store.forget(this);
  }
}

function publicEntry(e: Entry): StoredEntry {
  return { seq: e.seq, doc: e.doc, chunk: e.chunk, kind: e.kind, size: e.size };
}
