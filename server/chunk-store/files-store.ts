// Over 400 lines on purpose: one ChunkStore; durability and visibility (below) span append, group commit, read and reclaim over one in-memory table.
/**
 * ChunkStore on local files: DATA_DIR/accounts/<id>/log/ holds the account's segments
 * (segments.ts). The log is append-only; an open account keeps in memory one small row per
 * chunk (ids, seq, where its parts are: entry-table.ts, typed-array columns) for dedupe, covers
 * checks and pulls, nothing per byte.
 *
 * Durability: parts are written as they arrive; a chunk's commit record follows its last part;
 * commit() resolves after an fsync that started after that record was written. Group commit:
 * one fsync serves every commit appended while the previous one ran.
 * Visibility: an entry is served (entriesAfter, onDurable) only once durable, in seq order.
 * Reclaim rewrites the whole log without expired chunks (into log.new, fsynced, then swapped
 * in by renames); it runs when a log is opened and on reclaim(), which waits for reads in
 * progress and holds new ones meanwhile.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { accountDocumentsDir } from '../accounts.ts';
import type { ChunkKind } from '../../shared/sync/protocol.ts';
import { ChunkStoreError, type AccountLog, type AppendResult, type ChunkMeta, type ChunkStore, type ChunkUpload, type StoredEntry } from './chunk-store.ts';
import { EntryTable, entryKey } from './entry-table.ts';
import { listSegments, R, scanSegment, segmentName, SegmentWriter, syncDir, type SegmentRecord } from './segments.ts';

const utf8 = new TextDecoder();

export const DEFAULT_GRACE_MS = 7 * 24 * 3600_000;

export interface FilesChunkStoreOptions {
  dataDir: string;
  /** how long dropped chunks stay recoverable (DROPPED_GRACE_MS) */
  graceMs?: number;
  /** segment files are started anew past this size (default 64 MiB) */
  segmentBytes?: number;
  now?: () => number;
  /** test hook: called before every write with the account id; throw to simulate a refusing disk */
  beforeWrite?: (accountId: string, bytes: number) => void;
  log?: (line: string) => void;
}

export interface FilesAccountLog extends AccountLog {
  /** fsyncs done since the log was opened (group commit makes this far fewer than commits) */
  syncCount(): number;
}

const key = entryKey;

export function logDir(dataDir: string, accountId: string): string {
  return path.join(accountDocumentsDir(dataDir, accountId), 'log');
}

export class FilesChunkStore implements ChunkStore {
  readonly #opts: FilesChunkStoreOptions;
  constructor(opts: FilesChunkStoreOptions) {
    this.#opts = opts;
  }

  async open(accountId: string): Promise<FilesAccountLog> {
    const dir = logDir(this.#opts.dataDir, accountId);
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    await finishSwap(dir);
    await takeLock(dir);
    try {
      let log = await FileAccountLog.load(accountId, dir, this.#opts);
      if (log.hasExpired()) {
        await log.rewrite();
        await log.close(false);
        await finishSwap(dir);
        log = await FileAccountLog.load(accountId, dir, this.#opts);
      }
      return log;
    } catch (err) {
      await fsp.rm(path.join(dir, 'LOCK'), { force: true });
      throw err;
    }
  }
}

/** Completes or undoes an interrupted rewrite (log.new written then renamed over log). */
async function finishSwap(dir: string): Promise<void> {
  const fresh = `${dir}.new`;
  const old = `${dir}.old`;
  const exists = (p: string) => fsp.stat(p).then(() => true, () => false);
  if (await exists(old)) {
    // Crash between the two renames: log.new is complete (renamed only after its fsync).
    if (!(await exists(dir))) await fsp.rename(fresh, dir).catch(() => fsp.rename(old, dir));
    await fsp.rm(old, { recursive: true, force: true });
  }
  // A log.new without log.old was never swapped in: incomplete.
  await fsp.rm(fresh, { recursive: true, force: true });
}

/** One process at a time per log (the relay, or the account CLI while the relay does not hold it). */
async function takeLock(dir: string): Promise<void> {
  const file = path.join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fsp.writeFile(file, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(await fsp.readFile(file, 'utf8').catch(() => ''));
      let alive = false;
      if (Number.isInteger(pid) && pid > 0) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      if (alive) throw new ChunkStoreError('locked', `the chunk log is open in process ${pid}`);
      await fsp.rm(file, { force: true });
    }
  }
  throw new ChunkStoreError('locked', 'could not lock the chunk log');
}

class FileAccountLog implements FilesAccountLog {
  readonly accountId: string;
  readonly #dir: string;
  readonly #opts: FilesChunkStoreOptions;
  readonly #graceMs: number;
  readonly #now: () => number;
  #writer: SegmentWriter;
  /** every entry (also dropped and not yet durable), in seq order */
  #table = new EntryTable();
  /** keys whose bytes were reclaimed: still count as dropped for covers */
  readonly #gone = new Set<string>();
  /** last seq handed out */
  #assigned = 0;
  /** last seq whose record is written */
  #appended = 0;
  #durable = 0;
  /** what becomes true when a seq is durable, applied in seq order; returns the entry's slot */
  readonly #effects = new Map<number, () => number>();
  #chain: Promise<unknown> = Promise.resolve();
  #syncWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #syncing = false;
  #broken: Error | null = null;
  #syncs = 0;
  #closed = false;
  readonly #listeners = new Set<(entries: readonly StoredEntry[]) => void>();
  /** reads in progress, and the gate reclaim() closes while it swaps files */
  #readers = 0;
  #readersDone: (() => void) | null = null;
  #gate: Promise<void> | null = null;

  private constructor(accountId: string, dir: string, opts: FilesChunkStoreOptions) {
    this.accountId = accountId;
    this.#dir = dir;
    this.#opts = opts;
    this.#graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
    this.#now = opts.now ?? Date.now;
    this.#writer = this.#makeWriter();
  }

  #makeWriter(): SegmentWriter {
    const before = this.#opts.beforeWrite;
    return new SegmentWriter({
      dir: this.#dir,
      segmentBytes: this.#opts.segmentBytes ?? 64 * 1024 * 1024,
      base: () => this.#assigned,
      beforeWrite: before ? (n) => before(this.accountId, n) : undefined,
    });
  }

  static async load(accountId: string, dir: string, opts: FilesChunkStoreOptions): Promise<FileAccountLog> {
    const log = new FileAccountLog(accountId, dir, opts);
    const segs = await listSegments(dir);
    for (const [i, n] of segs.entries()) {
      const file = path.join(dir, segmentName(n));
      const last = i === segs.length - 1;
      const { good, size } = await scanSegment(file, n, last, (r) => log.#apply(r.type, r.payload));
      if (good < size) {
        if (last) {
          opts.log?.(`chunk log ${accountId}: cut a torn record off the end (${size - good} bytes)`);
          await fsp.truncate(file, good);
        } else {
          opts.log?.(`chunk log ${accountId}: segment ${n} is damaged after byte ${good}; the rest of it is ignored`);
        }
      }
    }
    log.#appended = log.#durable = log.#assigned;
    await log.#writer.openExisting(segs);
    return log;
  }

  #apply(type: number, payload: Uint8Array | null): void {
    if (!payload) return;
    const j = JSON.parse(utf8.decode(payload)) as Record<string, unknown>;
    switch (type) {
      case R.segment:
        this.#assigned = Math.max(this.#assigned, Number(j.b) || 0);
        break;
      case R.commit: {
        const doc = j.d as string;
        const seq = j.s as number;
        this.#table.add(key(doc, j.c as string), seq, j.k as ChunkKind, j.z as number, j.p as number[], true);
        this.#assigned = Math.max(this.#assigned, seq);
        this.#dropCovered(doc, j.v as string[] | undefined, j.t as number);
        break;
      }
      case R.drop:
        for (const k of j.k as string[]) {
          const s = this.#table.slotOf(k);
          if (s !== undefined) this.#table.setDropped(s, j.t as number);
        }
        break;
      case R.recover:
        for (const [k, seq] of j.r as [string, number][]) {
          const s = this.#table.slotOf(k);
          if (s !== undefined) this.#table.commitMove(s, this.#table.move(s, seq));
          this.#assigned = Math.max(this.#assigned, seq);
        }
        break;
      case R.gone:
        for (const k of j.g as string[]) {
          this.#gone.add(k);
          this.#table.remove(k);
        }
        break;
    }
  }

  /** Marks the chunks a snapshot covers dropped at `t` (those not dropped already). */
  #dropCovered(doc: string, covers: readonly string[] | undefined, t: number): void {
    for (const c of covers ?? []) {
      const s = this.#table.slotOf(key(doc, c));
      if (s !== undefined && this.#table.droppedAt(s) === null) this.#table.setDropped(s, t);
    }
  }

  head(): number {
    return this.#durable;
  }

  syncCount(): number {
    return this.#syncs;
  }

  bytesUsed(): number {
    return this.#writer.bytes();
  }

  onDurable(listener: (entries: readonly StoredEntry[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #check(): void {
    if (this.#closed) throw new ChunkStoreError('unavailable', 'the chunk log is closed');
    if (this.#broken) throw new ChunkStoreError('unavailable', `the chunk log stopped after a failed write: ${this.#broken.message}`);
  }

  /** Runs `fn` after every earlier serialised step. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(() => {
      this.#check();
      return fn();
    });
    this.#chain = run.catch(() => {});
    return run;
  }

  #checkCovers(doc: string, covers: readonly string[] | undefined): void {
    for (const c of covers ?? []) {
      const k = key(doc, c);
      if (this.#gone.has(k)) continue;
      const e = this.#table.slotOf(k);
      if (e === undefined || !this.#table.durable(e)) throw new ChunkStoreError('bad-covers', `covers a chunk this document does not have: ${c}`);
    }
  }

  begin(meta: ChunkMeta & { covers?: readonly string[] }): ChunkUpload | AppendResult {
    this.#check();
    const existing = this.#table.slotOf(key(meta.doc, meta.chunk));
    if (existing !== undefined && this.#table.durable(existing)) return { seq: this.#table.seq(existing), duplicate: true };
    if (meta.covers && meta.kind !== 'snapshot') throw new ChunkStoreError('bad-covers', 'only a snapshot covers chunks');
    this.#checkCovers(meta.doc, meta.covers);
    const parts: number[] = [];
    let written = 0;
    let aborted = false;
    /** the chunk's only part: written by commit() together with the commit record, in one write */
    let only: Uint8Array | null = null;
    return {
      write: (part) =>
        this.#serial(async () => {
          if (aborted) throw new ChunkStoreError('bad-part', 'upload aborted');
          if (written + part.length > meta.size) throw new ChunkStoreError('bad-part', 'part past the chunk size');
          if (written === 0 && part.length === meta.size) {
            only = part;
            written = part.length;
            return;
          }
          const at = await this.#append(R.part, [part]);
          parts.push(at.seg, at.pos, part.length);
          written += part.length;
        }),
      commit: async () => {
        const result = await this.#serial(async (): Promise<AppendResult | { stored: number }> => {
          if (aborted) throw new ChunkStoreError('bad-part', 'upload aborted');
          if (written !== meta.size) throw new ChunkStoreError('bad-part', `chunk incomplete: ${written} of ${meta.size} bytes`);
          const other = this.#table.slotOf(key(meta.doc, meta.chunk));
          if (other !== undefined) return { stored: other }; // stored meanwhile by another upload
          this.#checkCovers(meta.doc, meta.covers);
          const seq = this.#assigned + 1;
          const t = this.#now();
          const record = () => {
            const rec = { s: seq, d: meta.doc, c: meta.chunk, k: meta.kind, z: meta.size, p: parts, t, ...(meta.covers?.length ? { v: meta.covers } : {}) };
            return { type: R.commit, payload: [Buffer.from(JSON.stringify(rec))] };
          };
          this.#assigned = seq;
          try {
            const body = only;
            if (body) {
              await this.#appendPair({ type: R.part, payload: [body] }, (at) => {
                parts.push(at.seg, at.pos, body.length);
                return record();
              });
              only = null;
            } else {
              const { type, payload } = record();
              await this.#append(type, payload);
            }
          } catch (err) {
            if (only) parts.length = 0;
            this.#assigned = seq - 1;
            throw err;
          }
          const slot = this.#table.add(key(meta.doc, meta.chunk), seq, meta.kind, meta.size, parts, false);
          this.#appended = seq;
          this.#effects.set(seq, () => {
            this.#table.setDurable(slot);
            this.#dropCovered(meta.doc, meta.covers, t);
            return slot;
          });
          return { seq, duplicate: false };
        });
        if ('stored' in result) {
          await this.#untilDurable(this.#table.seq(result.stored));
          return { seq: this.#table.seq(this.#table.slotOf(key(meta.doc, meta.chunk)) ?? result.stored), duplicate: true };
        }
        await this.#sync();
        return result;
      },
      abort: () => {
        aborted = true;
        only = null;
      },
    };
  }

  async #append(type: number, payload: readonly Uint8Array[]): Promise<{ seg: number; pos: number }> {
    try {
      return await this.#writer.append(type, payload);
    } catch (err) {
      throw new ChunkStoreError('unavailable', `could not write: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async #appendPair(first: SegmentRecord, second: (at: { seg: number; pos: number }) => SegmentRecord): Promise<void> {
    try {
      await this.#writer.appendPair(first, second);
    } catch (err) {
      throw new ChunkStoreError('unavailable', `could not write: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async #untilDurable(seq: number): Promise<void> {
    while (this.#durable < seq) await this.#sync();
  }

  /** Resolves after an fsync that started after this call (group commit). */
  #sync(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#syncWaiters.push({ resolve, reject });
      if (!this.#syncing) void this.#runSyncs();
    });
  }

  async #runSyncs(): Promise<void> {
    this.#syncing = true;
    try {
      while (this.#syncWaiters.length > 0) {
        const batch = this.#syncWaiters.splice(0);
        const upTo = this.#appended;
        try {
          if (this.#broken) throw this.#broken;
          await this.#writer.sync();
          this.#syncs++;
        } catch (err) {
          // After a failed fsync the state of the file is unknown: stop writing (reopen to go on).
          this.#broken ??= err instanceof Error ? err : new Error(String(err));
          const e = new ChunkStoreError('unavailable', `could not make the chunk durable: ${this.#broken.message}`);
          for (const w of batch) w.reject(e);
          continue;
        }
        this.#markDurable(upTo);
        for (const w of batch) w.resolve();
      }
    } finally {
      this.#syncing = false;
    }
  }

  #markDurable(upTo: number): void {
    const now: number[] = [];
    for (let s = this.#durable + 1; s <= upTo; s++) {
      const effect = this.#effects.get(s);
      this.#effects.delete(s);
      if (effect) now.push(effect());
    }
    if (upTo > this.#durable) this.#durable = upTo;
    if (now.length > 0) {
      const entries = now.map((s) => this.#table.entry(s));
      for (const l of this.#listeners) l(entries);
    }
  }

  entriesAfter(since: number, limit: number): StoredEntry[] {
    const t = this.#table;
    const out: StoredEntry[] = [];
    for (let i = t.firstAfter(since); i < t.length && out.length < limit; i++) {
      if (t.seq(i) > this.#durable) break;
      if (t.durable(i) && !t.dead(i) && t.droppedAt(i) === null) out.push(t.entry(i));
    }
    return out;
  }

  async read(entry: StoredEntry, offset: number, len: number): Promise<Uint8Array> {
    const out = Buffer.alloc(len);
    await this.readInto(entry, offset, len, out, 0);
    return out;
  }

  async readInto(entry: StoredEntry, offset: number, len: number, target: Uint8Array, at: number): Promise<void> {
    while (this.#gate) await this.#gate;
    this.#readers++;
    try {
      await this.#readNow(entry, offset, len, target, at);
    } finally {
      if (--this.#readers === 0) this.#readersDone?.();
    }
  }

  async #readNow(entry: StoredEntry, offset: number, len: number, out: Uint8Array, outAt: number): Promise<void> {
    const slot = this.#table.slotOf(key(entry.doc, entry.chunk));
    if (slot === undefined) throw new ChunkStoreError('unavailable', 'chunk no longer stored');
    const parts = this.#table.parts(slot);
    let at = 0; // offset of the current part within the chunk
    let got = 0;
    for (let i = 0; i < parts.length && got < len; i += 3) {
      const seg = parts[i] ?? 0;
      const pos = parts[i + 1] ?? 0;
      const plen = parts[i + 2] ?? 0;
      const from = Math.max(offset + got, at);
      if (from < at + plen) {
        const n = Math.min(at + plen - from, len - got);
        await this.#writer.readInto(seg, pos + (from - at), n, out, outAt + got);
        got += n;
      }
      at += plen;
    }
    if (got < len) throw new ChunkStoreError('bad-part', 'read past the chunk');
  }

  recover(doc?: string): Promise<number> {
    return this.#serial(async () => {
      const cutoff = this.#now() - this.#graceMs;
      const t = this.#table;
      const back: number[] = [];
      for (let s = 0; s < t.length; s++) {
        const dropped = t.droppedAt(s);
        if (t.durable(s) && !t.dead(s) && dropped !== null && dropped > cutoff && (doc === undefined || t.key(s).startsWith(`${doc}/`))) back.push(s);
      }
      if (back.length === 0) return 0;
      const pairs = back.map((s, i) => [t.key(s), this.#assigned + 1 + i] as [string, number]);
      await this.#append(R.recover, [Buffer.from(JSON.stringify({ r: pairs }))]);
      this.#assigned += back.length;
      this.#appended = this.#assigned;
      // New rows in seq order now; they stand for their chunks once durable.
      back.forEach((from, i) => {
        const seq = pairs[i]?.[1] ?? 0;
        const to = t.move(from, seq);
        this.#effects.set(seq, () => {
          t.commitMove(from, to);
          return to;
        });
      });
      return back.length;
    }).then(async (n) => {
      if (n > 0) await this.#sync();
      return n;
    });
  }

  hasExpired(): boolean {
    const cutoff = this.#now() - this.#graceMs;
    const t = this.#table;
    for (let s = 0; s < t.length; s++) {
      const dropped = t.droppedAt(s);
      if (!t.dead(s) && dropped !== null && dropped <= cutoff) return true;
    }
    return false;
  }

  reclaim(): Promise<number> {
    return this.#serial(async () => {
      if (!this.hasExpired()) return 0;
      // Everything appended is made durable first, so no entry becomes visible twice.
      if (this.#durable < this.#appended) await this.#untilDurable(this.#appended);
      let open!: () => void;
      this.#gate = new Promise<void>((r) => (open = r));
      try {
        if (this.#readers > 0) await new Promise<void>((r) => (this.#readersDone = r));
        this.#readersDone = null;
        const before = this.bytesUsed();
        await this.rewrite();
        await finishSwap(this.#dir);
        const fresh = await FileAccountLog.load(this.accountId, this.#dir, this.#opts);
        await fresh.#writer.close();
        await this.#writer.close();
        this.#writer = this.#makeWriter();
        await this.#writer.openExisting(await listSegments(this.#dir));
        this.#table = fresh.#table;
        for (const k of fresh.#gone) this.#gone.add(k);
        return before - this.bytesUsed();
      } finally {
        this.#gate = null;
        open();
      }
    });
  }

  /** Writes the log without expired chunks into log.new (fsynced), then swaps it in. */
  async rewrite(): Promise<void> {
    const fresh = `${this.#dir}.new`;
    await fsp.rm(fresh, { recursive: true, force: true });
    await fsp.mkdir(fresh, { mode: 0o700 });
    const head = this.#assigned;
    const out = new SegmentWriter({ dir: fresh, segmentBytes: this.#opts.segmentBytes ?? 64 * 1024 * 1024, base: () => head });
    const cutoff = this.#now() - this.#graceMs;
    try {
      const t = this.#table;
      const expiredAt = (s: number) => {
        const dropped = t.droppedAt(s);
        return dropped !== null && dropped <= cutoff;
      };
      const expired: string[] = [];
      for (let s = 0; s < t.length; s++) if (!t.dead(s) && expiredAt(s)) expired.push(t.key(s));
      await out.append(R.segment, [Buffer.from(JSON.stringify({ b: head }))]);
      await out.append(R.gone, [Buffer.from(JSON.stringify({ g: [...this.#gone, ...expired] }))]);
      for (let s = 0; s < t.length; s++) {
        if (t.dead(s) || expiredAt(s)) continue;
        const e = t.entry(s);
        const parts: number[] = [];
        for (let off = 0; off < e.size; off += 1024 * 1024) {
          const n = Math.min(1024 * 1024, e.size - off);
          const bytes = Buffer.alloc(n);
          await this.#readNow(e, off, n, bytes, 0);
          const at = await out.append(R.part, [bytes]);
          parts.push(at.seg, at.pos, n);
        }
        const rec = { s: e.seq, d: e.doc, c: e.chunk, k: e.kind, z: e.size, p: parts, t: 0 };
        await out.append(R.commit, [Buffer.from(JSON.stringify(rec))]);
        const dropped = t.droppedAt(s);
        if (dropped !== null) await out.append(R.drop, [Buffer.from(JSON.stringify({ k: [t.key(s)], t: dropped }))]);
      }
      await out.sync();
      await syncDir(fresh);
    } finally {
      await out.close();
    }
    const lock = path.join(this.#dir, 'LOCK');
    await fsp.rename(lock, path.join(fresh, 'LOCK'));
    await fsp.rename(this.#dir, `${this.#dir}.old`);
    await fsp.rename(fresh, this.#dir);
    await syncDir(path.dirname(this.#dir));
    this.#opts.log?.(`chunk log ${this.accountId}: reclaimed chunks dropped more than ${Math.round(this.#graceMs / 3600_000)} h ago`);
  }

  /** `unlock`: false when the lock moves on with the directory (rewrite). */
  async close(unlock = true): Promise<void> {
    if (this.#closed) return;
    await this.#chain;
    while (this.#syncing || this.#syncWaiters.length > 0) await this.#sync().catch(() => {});
    this.#closed = true;
    await this.#writer.close();
    if (unlock) await fsp.rm(path.join(this.#dir, 'LOCK'), { force: true });
  }
}
