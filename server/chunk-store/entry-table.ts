/**
 * The in-memory index of an open account's chunk log, one row (slot) per stored chunk, kept in
 * typed-array columns plus one string per chunk (`doc/chunk`, the lookup key): about a third of
 * the memory of one object per chunk, and nothing the garbage collector has to trace per chunk.
 *
 * Invariants: slots are added in seq order (commits and recoveries take the next seq when their
 * row is added), so a binary search over `seq` finds the first slot after a seq. A row moved to
 * a new seq (recover) is copied into a new slot and the old one is marked dead; the key maps to
 * the slot that currently stands for the chunk.
 */
import type { ChunkKind } from '../../shared/sync/protocol.ts';
import type { StoredEntry } from './chunk-store.ts';

const KINDS: readonly ChunkKind[] = ['change', 'snapshot'];
const DURABLE = 1;
const DEAD = 2;
/** no drop time (the chunk is live) */
const LIVE = -1;

export const entryKey = (doc: string, chunk: string): string => `${doc}/${chunk}`;

export class EntryTable {
  #n = 0;
  #keys: string[] = [];
  #seq = new Float64Array(64);
  #size = new Float64Array(64);
  #dropped = new Float64Array(64);
  #flags = new Uint8Array(64);
  #kind = new Uint8Array(64);
  /** first part: segment, position, length */
  #seg = new Uint32Array(64);
  #pos = new Float64Array(64);
  #len = new Float64Array(64);
  /** every part, [seg, pos, len, …], of the rare chunks stored in more than one part */
  readonly #moreParts = new Map<number, number[]>();
  readonly #byKey = new Map<string, number>();

  get length(): number {
    return this.#n;
  }

  #grow(): void {
    const cap = this.#seq.length * 2;
    const grown = <T extends Float64Array | Uint32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.#seq = grown(this.#seq, (n) => new Float64Array(n));
    this.#size = grown(this.#size, (n) => new Float64Array(n));
    this.#dropped = grown(this.#dropped, (n) => new Float64Array(n));
    this.#flags = grown(this.#flags, (n) => new Uint8Array(n));
    this.#kind = grown(this.#kind, (n) => new Uint8Array(n));
    this.#seg = grown(this.#seg, (n) => new Uint32Array(n));
    this.#pos = grown(this.#pos, (n) => new Float64Array(n));
    this.#len = grown(this.#len, (n) => new Float64Array(n));
  }

  /** Adds a row (live, not durable unless said) and points its key at it. Returns its slot. */
  add(key: string, seq: number, kind: ChunkKind, size: number, parts: readonly number[], durable: boolean): number {
    if (this.#n === this.#seq.length) this.#grow();
    const s = this.#n++;
    this.#keys[s] = key;
    this.#seq[s] = seq;
    this.#size[s] = size;
    this.#dropped[s] = LIVE;
    this.#flags[s] = durable ? DURABLE : 0;
    this.#kind[s] = Math.max(0, KINDS.indexOf(kind));
    this.#seg[s] = parts[0] ?? 0;
    this.#pos[s] = parts[1] ?? 0;
    this.#len[s] = parts[2] ?? 0;
    if (parts.length > 3) this.#moreParts.set(s, [...parts]);
    this.#byKey.set(key, s);
    return s;
  }

  /** A copy of `slot` under a new seq (dropped state and durability cleared); the old row dies. */
  move(slot: number, seq: number): number {
    const parts = this.parts(slot);
    const s = this.add(this.#keys[slot] ?? '', seq, this.kind(slot), this.size(slot), parts, false);
    // The key keeps standing for the old row until the move is durable (commitMove).
    this.#byKey.set(this.#keys[slot] ?? '', slot);
    return s;
  }

  /** The moved row stands for its chunk from now on. */
  commitMove(from: number, to: number): void {
    this.#flags[from] = (this.#flags[from] ?? 0) | DEAD;
    this.#flags[to] = (this.#flags[to] ?? 0) | DURABLE;
    this.#byKey.set(this.#keys[to] ?? '', to);
    this.#moreParts.delete(from);
  }

  slotOf(key: string): number | undefined {
    return this.#byKey.get(key);
  }

  /** Forgets a chunk whose bytes are gone (its rows die). */
  remove(key: string): void {
    const s = this.#byKey.get(key);
    if (s === undefined) return;
    this.#byKey.delete(key);
    this.#flags[s] = (this.#flags[s] ?? 0) | DEAD;
    this.#moreParts.delete(s);
  }

  key(slot: number): string {
    return this.#keys[slot] ?? '';
  }
  seq(slot: number): number {
    return this.#seq[slot] ?? 0;
  }
  size(slot: number): number {
    return this.#size[slot] ?? 0;
  }
  kind(slot: number): ChunkKind {
    return KINDS[this.#kind[slot] ?? 0] ?? 'change';
  }
  durable(slot: number): boolean {
    return ((this.#flags[slot] ?? 0) & DURABLE) !== 0;
  }
  setDurable(slot: number): void {
    this.#flags[slot] = (this.#flags[slot] ?? 0) | DURABLE;
  }
  /** dead: a row replaced by a move, or of a chunk whose bytes are gone */
  dead(slot: number): boolean {
    return ((this.#flags[slot] ?? 0) & DEAD) !== 0;
  }
  droppedAt(slot: number): number | null {
    const t = this.#dropped[slot] ?? LIVE;
    return t === LIVE ? null : t;
  }
  setDropped(slot: number, t: number): void {
    this.#dropped[slot] = t;
  }

  /** [seg, pos, len, …] of the chunk's parts. */
  parts(slot: number): number[] {
    return this.#moreParts.get(slot) ?? [this.#seg[slot] ?? 0, this.#pos[slot] ?? 0, this.#len[slot] ?? 0];
  }

  entry(slot: number): StoredEntry {
    const key = this.key(slot);
    const cut = key.indexOf('/');
    return { seq: this.seq(slot), doc: key.slice(0, cut), chunk: key.slice(cut + 1), kind: this.kind(slot), size: this.size(slot) };
  }

  /** The first slot whose seq is greater than `since` (length when none). */
  firstAfter(since: number): number {
    let lo = 0;
    let hi = this.#n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#seq[mid] ?? 0) <= since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
