/** A small seeded PRNG (mulberry32) and helpers, so fuzz and fault tests are reproducible. */

export interface Rng {
  /** [0, 1) */
  next(): number;
  /** integer in [lo, hi] */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  bytes(n: number): Uint8Array;
  /** printable and non-printable characters, some astral */
  string(maxLength: number): string;
}

export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const ALPHABET = ['a', 'Z', '0', ' ', '-', '_', '/', '.', '"', '\\', '\n', '\u0000', 'é', '😀', '\u202e', '<', '>', '{', '}'];
  return {
    next,
    int,
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T,
    chance: (p: number) => next() < p,
    bytes: (n: number) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
    string: (maxLength: number) => Array.from({ length: int(0, maxLength) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join(''),
  };
}
