/**
 * Joins the parts of the chunks a relay streams (`entries` frames): a chunk larger than
 * PART_BYTES comes as several parts with growing offsets. Parts of one chunk must be
 * contiguous; anything else drops that chunk (counted by the caller as a bad chunk).
 */
import type { ChunkKind, EntryHeader } from '../../../shared/sync/protocol.ts';

export interface WholeEntry {
  seq: number;
  doc: string;
  chunk: string;
  kind: ChunkKind;
  sealed: Uint8Array;
}

interface Partial {
  header: EntryHeader;
  buffer: Uint8Array;
  got: number;
}

export class ChunkAssembler {
  readonly #partial = new Map<number, Partial>();

  /** Adds one part; returns the whole entry when this part completes it, 'bad' for a part out of order. */
  push(header: EntryHeader, body: Uint8Array): WholeEntry | 'bad' | null {
    if (header.offset === 0 && body.length === header.size) return { seq: header.seq, doc: header.doc, chunk: header.chunk, kind: header.kind, sealed: body.slice() };
    let p = this.#partial.get(header.seq);
    if (!p) {
      if (header.offset !== 0) return 'bad';
      p = { header, buffer: new Uint8Array(header.size), got: 0 };
      this.#partial.set(header.seq, p);
    }
    const same = p.header.doc === header.doc && p.header.chunk === header.chunk && p.header.size === header.size && p.header.kind === header.kind;
    if (!same || header.offset !== p.got || header.offset + body.length > header.size) {
      this.#partial.delete(header.seq);
      return 'bad';
    }
    p.buffer.set(body, p.got);
    p.got += body.length;
    if (p.got < header.size) return null;
    this.#partial.delete(header.seq);
    return { seq: header.seq, doc: header.doc, chunk: header.chunk, kind: header.kind, sealed: p.buffer };
  }

  /** The lowest sequence number still incomplete (lastSeq must stay below it), or null. */
  lowestOpen(): number | null {
    let low: number | null = null;
    for (const seq of this.#partial.keys()) if (low === null || seq < low) low = seq;
    return low;
  }

  clear(): void {
    this.#partial.clear();
  }
}
