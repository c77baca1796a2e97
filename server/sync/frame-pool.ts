/**
 * Buffers for the large `entries` frames of pulls, reused instead of allocated per frame.
 *
 * Why: a pull sends frames of up to PART_BYTES; allocated one by one, the dead ones pile up
 * as external memory until V8 collects them, and the allocator keeps their pages long after
 * (the relay's RSS rose with the size of what was pulled). With the pool, the memory of frames is
 * bounded by the frames being filled or sent (a few per socket) plus the few kept free.
 *
 * Invariant: a buffer is given back only once nothing reads it any more (the socket's send
 * callback ran: its bytes have left for the kernel), and handed out to one user at a time.
 */
import { PROTOCOL_VERSION, MAX_HEADER_BYTES, PART_BYTES, type RelayHeader } from '../../shared/sync/protocol.ts';

/** Frames at least this large come from the pool; smaller ones are allocated as usual. */
const POOLED_FROM = 64 * 1024;
/** A pooled buffer's capacity: a full part and a large header (256 entries' headers fit). */
const CAPACITY = PART_BYTES + 64 * 1024;

const encoder = new TextEncoder();

export interface PooledFrame {
  /** the frame (a view of the buffer) */
  frame: Uint8Array;
  /** where the body starts in `frame` (filled by the caller) */
  bodyAt: number;
  /** gives the buffer back (once `frame` has been sent or dropped); safe to call once only */
  release(): void;
}

export class FramePool {
  readonly #free: Uint8Array[] = [];
  readonly #keep: number;

  /** `keep`: free buffers kept for reuse at most (the rest are left to the garbage collector) */
  constructor(keep = 4) {
    this.#keep = keep;
  }

  /** A frame with `header` written and room for `bodyLength` bytes of body after it. */
  frame(header: RelayHeader, bodyLength: number): PooledFrame {
    const head = encoder.encode(JSON.stringify(header));
    if (head.length > MAX_HEADER_BYTES) throw new RangeError('frame header too large');
    const length = 5 + head.length + bodyLength;
    const pooled = length >= POOLED_FROM && length <= CAPACITY;
    const buf = pooled ? (this.#free.pop() ?? new Uint8Array(CAPACITY)) : new Uint8Array(length);
    const frame = buf.subarray(0, length);
    frame[0] = PROTOCOL_VERSION;
    new DataView(buf.buffer, buf.byteOffset, 5).setUint32(1, head.length);
    frame.set(head, 5);
    let released = false;
    return {
      frame,
      bodyAt: 5 + head.length,
      release: () => {
        if (released || !pooled) return;
        released = true;
        if (this.#free.length < this.#keep) this.#free.push(buf);
      },
    };
  }

  /** Free buffers kept now. */
  size(): number {
    return this.#free.length;
  }

  /** Drops every free buffer (the relay went idle). */
  clear(): void {
    this.#free.length = 0;
  }
}
