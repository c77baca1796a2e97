/**
 * Automerge's chunk framing, read without loading a document: each chunk is
 * `magic (85 6f 4a 83) | checksum (4) | type (1) | body length (ULEB128) | body`.
 * Shared by the structural check (chunk-structure.ts) and the heads reader (chunk-heads.ts).
 */

export const MAGIC = [0x85, 0x6f, 0x4a, 0x83] as const;
/** where the type byte sits: after the magic and the checksum */
export const TYPE_AT = 8;
export const DOCUMENT = 0;
export const CHANGE = 1;
/** a ULEB128 length longer than this is not a length any chunk here can have (2^49 bytes) */
const MAX_LEB_BYTES = 7;

/** Reads a ULEB128 at `at`: [value, offset after it], or null when it runs past the end or is too long. */
export function uleb(bytes: Uint8Array, at: number): [number, number] | null {
  let value = 0;
  for (let i = 0; i < MAX_LEB_BYTES; i++) {
    const b = bytes[at + i];
    if (b === undefined) return null;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [value, at + i + 1];
  }
  return null;
}
