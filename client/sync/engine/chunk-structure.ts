/**
 * A cheap check that bytes are whole Automerge chunks, without loading them: each chunk is
 * `magic (85 6f 4a 83) | checksum (4) | type (1) | body length (ULEB128) | body`, and its
 * checksum is the first 4 bytes of SHA-256 over type, length and body (Automerge's binary format).
 * What `A.save` (one document chunk) and `A.saveSince` (change chunks, one after the other) write
 * passes; junk, a truncated or extended upload, or bytes changed after Automerge wrote them do not.
 *
 * A compressed change chunk (type 2) carries the checksum of the change before compression, and
 * other types are not known here: both are `unknown`, for the caller to load fully.
 * `ok` does not prove that the columns inside decode: only a full load does.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export type ChunkStructure = 'ok' | 'bad' | 'unknown';

const MAGIC = [0x85, 0x6f, 0x4a, 0x83] as const;
const DOCUMENT = 0;
const CHANGE = 1;
/** a ULEB128 length longer than this is not a length any chunk here can have (2^49 bytes) */
const MAX_LEB_BYTES = 7;

/** Reads a ULEB128 at `at`: [value, offset after it], or null when it runs past the end or is too long. */
function uleb(bytes: Uint8Array, at: number): [number, number] | null {
  let value = 0;
  for (let i = 0; i < MAX_LEB_BYTES; i++) {
    const b = bytes[at + i];
    if (b === undefined) return null;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [value, at + i + 1];
  }
  return null;
}

export function chunkStructure(bytes: Uint8Array): ChunkStructure {
  if (bytes.length === 0) return 'bad';
  let verdict: ChunkStructure = 'ok';
  for (let at = 0; at < bytes.length; ) {
    for (let i = 0; i < MAGIC.length; i++) if (bytes[at + i] !== MAGIC[i]) return 'bad';
    const typeAt = at + 8;
    const type = bytes[typeAt];
    const length = uleb(bytes, typeAt + 1);
    if (type === undefined || !length) return 'bad';
    const end = length[1] + length[0];
    if (end > bytes.length) return 'bad';
    if (type === DOCUMENT || type === CHANGE) {
      const hash = sha256(bytes.subarray(typeAt, end));
      for (let i = 0; i < 4; i++) if (hash[i] !== bytes[at + 4 + i]) return 'bad';
    } else {
      verdict = 'unknown';
    }
    at = end;
  }
  return verdict;
}
