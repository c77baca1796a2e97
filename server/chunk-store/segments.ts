/**
 * The on-disk format of an account's chunk log: numbered segment files (`00000001.seg`, …),
 * each a sequence of records `[u32 BE payload length][u32 BE crc32(type, payload)][u8 type][payload]`.
 * A record whose length or CRC does not match ends the readable part of its segment: at open,
 * the last segment is truncated there (a torn write of a crash), so appends go after good records.
 */
import { promises as fsp, type Dirent } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';

export const RECORD_HEAD = 9;
/** Record types. */
export const R = {
  /** segment header: JSON {b: head seq when the segment was started} */
  segment: 1,
  /** raw bytes of one part of a chunk */
  part: 2,
  /** a chunk is stored: JSON {s, d, c, k, z, p: [seg, pos, len, …], t, v?: covered chunk ids} */
  commit: 3,
  /** chunks dropped at a time: JSON {k: [keys], t} */
  drop: 4,
  /** dropped chunks served again under new seqs: JSON {r: [[key, seq], …]} */
  recover: 5,
  /** chunks whose bytes were reclaimed: JSON {g: [keys]} */
  gone: 6,
} as const;

export function segmentName(n: number): string {
  return `${String(n).padStart(8, '0')}.seg`;
}

export async function listSegments(dir: string): Promise<number[]> {
  let names: Dirent[];
  try {
    names = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((d) => d.isFile() && /^\d{8}\.seg$/.test(d.name))
    .map((d) => Number(d.name.slice(0, 8)))
    .sort((a, b) => a - b);
}

function recordCrc(type: number, payload: readonly Uint8Array[]): number {
  let c = crc32(Uint8Array.of(type));
  for (const p of payload) c = crc32(p, c);
  return c >>> 0;
}

export interface ScannedRecord {
  type: number;
  seg: number;
  /** where the payload starts in the segment */
  pos: number;
  len: number;
  /** the payload (a view valid during the callback only), unless skipped (part records) */
  payload: Uint8Array | null;
}

/** How much of a segment a scan reads at once (records are parsed out of it). */
const SCAN_BLOCK = 64 * 1024;

/**
 * Reads a segment's records in order. `verifyParts`: read and check part payloads too (the last
 * segment, where a torn write may be). Returns the length of the good prefix of the file.
 * Records are read in blocks (one read per block, not two per record); a record's `payload` is
 * a view of the block, valid only during `onRecord`.
 */
export async function scanSegment(file: string, seg: number, verifyParts: boolean, onRecord: (r: ScannedRecord) => void): Promise<{ good: number; size: number }> {
  const fh = await fsp.open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    let buf = Buffer.allocUnsafe(Math.min(SCAN_BLOCK, Math.max(RECORD_HEAD, size)));
    let bufStart = 0;
    let bufLen = 0;
    /** `n` bytes of the file from `pos` (a view of the block), or null past the end */
    const bytesAt = async (pos: number, n: number): Promise<Buffer | null> => {
      if (pos >= bufStart && pos + n <= bufStart + bufLen) return buf.subarray(pos - bufStart, pos - bufStart + n);
      if (n > buf.length) buf = Buffer.allocUnsafe(n);
      const want = Math.min(buf.length, size - pos);
      let got = 0;
      while (got < want) {
        const { bytesRead } = await fh.read(buf, got, want - got, pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      bufStart = pos;
      bufLen = got;
      return got >= n ? buf.subarray(0, n) : null;
    };
    let at = 0;
    while (at + RECORD_HEAD <= size) {
      const head = await bytesAt(at, RECORD_HEAD);
      if (!head) break;
      const len = head.readUInt32BE(0);
      const crc = head.readUInt32BE(4);
      const type = head[8] ?? 0;
      if (type < R.segment || type > R.gone || at + RECORD_HEAD + len > size) break;
      let payload: Uint8Array | null = null;
      if (type !== R.part || verifyParts) {
        const body = await bytesAt(at + RECORD_HEAD, len);
        if (!body || recordCrc(type, [body]) !== crc) break;
        payload = body;
      }
      onRecord({ type, seg, pos: at + RECORD_HEAD, len, payload: type === R.part ? null : payload });
      at += RECORD_HEAD + len;
    }
    return { good: at, size };
  } finally {
    await fh.close();
  }
}

export interface SegmentRecord {
  type: number;
  payload: readonly Uint8Array[];
}

export interface Segment {
  fh: FileHandle;
  size: number;
}

export interface WriterOptions {
  dir: string;
  segmentBytes: number;
  /** the head seq to write into a new segment's header */
  base: () => number;
  /** a test hook: throws to simulate a refusing disk */
  beforeWrite?: (bytes: number) => void;
}

/**
 * Appends records to the segments of one directory (the caller serialises appends) and fsyncs
 * what was written. A failed write is cut off again so later records follow good ones.
 */
export class SegmentWriter {
  readonly segments = new Map<number, Segment>();
  #current = 0;
  readonly #dirty = new Set<number>();
  readonly #opts: WriterOptions;

  constructor(opts: WriterOptions) {
    this.#opts = opts;
  }

  /** Opens existing segments (already scanned and truncated) for reading and appending. */
  async openExisting(numbers: readonly number[]): Promise<void> {
    for (const n of numbers) {
      const fh = await fsp.open(path.join(this.#opts.dir, segmentName(n)), 'r+');
      this.segments.set(n, { fh, size: (await fh.stat()).size });
      this.#current = Math.max(this.#current, n);
    }
  }

  bytes(): number {
    let n = 0;
    for (const s of this.segments.values()) n += s.size;
    return n;
  }

  async #startSegment(): Promise<Segment> {
    const n = this.#current + 1;
    const fh = await fsp.open(path.join(this.#opts.dir, segmentName(n)), 'wx+');
    const seg: Segment = { fh, size: 0 };
    this.segments.set(n, seg);
    this.#current = n;
    // The new file's directory entry must be durable too.
    this.#dirty.add(-1);
    await this.#write(n, seg, R.segment, [Buffer.from(JSON.stringify({ b: this.#opts.base() }))]);
    return seg;
  }

  async #write(n: number, seg: Segment, type: number, payload: readonly Uint8Array[]): Promise<number> {
    return await this.#writeRecords(n, seg, [{ type, payload }]);
  }

  /** Writes records one after the other in one writev; returns where the first one's payload starts. */
  async #writeRecords(n: number, seg: Segment, records: readonly SegmentRecord[]): Promise<number> {
    const bufs: Uint8Array[] = [];
    let total = 0;
    for (const { type, payload } of records) {
      const len = payload.reduce((s, p) => s + p.length, 0);
      const head = Buffer.alloc(RECORD_HEAD);
      head.writeUInt32BE(len, 0);
      head.writeUInt32BE(recordCrc(type, payload), 4);
      head[8] = type;
      bufs.push(head, ...payload);
      total += RECORD_HEAD + len;
    }
    const at = seg.size;
    try {
      this.#opts.beforeWrite?.(total);
      let written = 0;
      // writev may write less than asked: continue from where it stopped.
      while (written < total) {
        let skip = written;
        const rest: Uint8Array[] = [];
        for (const b of bufs) {
          if (skip >= b.length) {
            skip -= b.length;
            continue;
          }
          rest.push(skip > 0 ? b.subarray(skip) : b);
          skip = 0;
        }
        const r = await seg.fh.writev(rest, at + written);
        if (r.bytesWritten <= 0) throw new Error('write made no progress');
        written += r.bytesWritten;
      }
    } catch (err) {
      // Cut the partial record off so the next one follows good records.
      await seg.fh.truncate(at).catch(() => {});
      throw err;
    }
    seg.size = at + total;
    this.#dirty.add(n);
    return at + RECORD_HEAD;
  }

  /** Appends one record; returns where its payload starts. */
  async append(type: number, payload: readonly Uint8Array[]): Promise<{ seg: number; pos: number }> {
    const len = payload.reduce((s, p) => s + p.length, 0);
    let seg = this.segments.get(this.#current);
    if (!seg || (seg.size > 0 && seg.size + RECORD_HEAD + len > this.#opts.segmentBytes)) seg = await this.#startSegment();
    const pos = await this.#write(this.#current, seg, type, payload);
    return { seg: this.#current, pos };
  }

  /**
   * Appends `first`, then the record `second` makes from where `first`'s payload is, in one
   * write (a chunk's only part and its commit record). Both go in the same segment.
   */
  async appendPair(first: SegmentRecord, second: (at: { seg: number; pos: number }) => SegmentRecord): Promise<{ seg: number; pos: number }> {
    const len = first.payload.reduce((s, p) => s + p.length, 0);
    let seg = this.segments.get(this.#current);
    if (!seg || (seg.size > 0 && seg.size + RECORD_HEAD + len > this.#opts.segmentBytes)) seg = await this.#startSegment();
    const at = { seg: this.#current, pos: seg.size + RECORD_HEAD };
    await this.#writeRecords(this.#current, seg, [first, second(at)]);
    return at;
  }

  /** Makes everything appended so far durable. */
  async sync(): Promise<void> {
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    try {
      for (const n of dirty) {
        if (n === -1) await syncDir(this.#opts.dir);
        else await this.segments.get(n)?.fh.datasync();
      }
    } catch (err) {
      for (const n of dirty) this.#dirty.add(n);
      throw err;
    }
  }

  async read(seg: number, pos: number, len: number): Promise<Uint8Array> {
    const buf = Buffer.alloc(len);
    await this.readInto(seg, pos, len, buf, 0);
    return buf;
  }

  /** Reads `len` bytes at `pos` of a segment into `target` from `at`. */
  async readInto(seg: number, pos: number, len: number, target: Uint8Array, at: number): Promise<void> {
    const s = this.segments.get(seg);
    if (!s) throw new Error(`segment ${seg} is gone`);
    let got = 0;
    while (got < len) {
      const r = await s.fh.read(target, at + got, len - got, pos + got);
      if (r.bytesRead === 0) throw new Error(`segment ${seg} ends early`);
      got += r.bytesRead;
    }
  }

  async close(): Promise<void> {
    for (const s of this.segments.values()) await s.fh.close().catch(() => {});
    this.segments.clear();
  }
}

export async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
