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
import { CHANGE, DOCUMENT, MAGIC, TYPE_AT, uleb } from './chunk-format.ts';

export type ChunkStructure = 'ok' | 'bad' | 'unknown';

export function chunkStructure(bytes: Uint8Array): ChunkStructure {
  if (bytes.length === 0) return 'bad';
  let verdict: ChunkStructure = 'ok';
  for (let at = 0; at < bytes.length; ) {
    for (let i = 0; i < MAGIC.length; i++) if (bytes[at + i] !== MAGIC[i]) return 'bad';
    const typeAt = at + TYPE_AT;
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
