/**
 * The heads of what some Automerge chunks hold, read from the chunks themselves without loading
 * a document: a document chunk (`A.save`) names its heads in its header; a change chunk
 * (`A.saveSince`, one after the other) is one change, whose hash and dependencies
 * `A.decodeChange` gives. The heads are the chunks' changes that none of them depends on.
 *
 * Used for the changes a document received from the relay holds (so its first upload sends
 * only what the relay lacks). Not minimal in one case: a document chunk whose heads are
 * ancestors of another document chunk's stay listed (its inner changes are not in its header).
 * `A.saveSince` over such a list still gives exactly the changes outside the chunks.
 */
import * as A from '@automerge/automerge';
import { relayChunkName } from '../../../shared/sync/chunk-key.ts';
import type { StoredChunk } from './local-chunks.ts';
import { DOCUMENT, MAGIC, TYPE_AT, uleb } from './chunk-format.ts';

const HASH_BYTES = 32;

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** A document chunk's body starts with its actors (count, then length-prefixed ids), then its heads (count, then hashes). */
function documentHeads(bytes: Uint8Array, bodyAt: number, end: number): string[] | null {
  const actors = uleb(bytes, bodyAt);
  if (!actors) return null;
  let at = actors[1];
  for (let i = 0; i < actors[0]; i++) {
    const len = uleb(bytes, at);
    if (!len) return null;
    at = len[1] + len[0];
  }
  const count = uleb(bytes, at);
  if (!count || count[1] + count[0] * HASH_BYTES > end) return null;
  const heads: string[] = [];
  for (let i = 0, h = count[1]; i < count[0]; i++, h += HASH_BYTES) heads.push(hex(bytes.subarray(h, h + HASH_BYTES)));
  return heads;
}

/**
 * The heads of everything `chunks` hold together, or null when one of them is not made of
 * whole Automerge document and change chunks (the caller then assumes nothing about them).
 */
export function headsOfChunks(chunks: readonly Uint8Array[]): string[] | null {
  const hashes = new Set<string>();
  const deps = new Set<string>();
  for (const bytes of chunks) {
    for (let at = 0; at < bytes.length; ) {
      for (let i = 0; i < MAGIC.length; i++) if (bytes[at + i] !== MAGIC[i]) return null;
      const length = uleb(bytes, at + TYPE_AT + 1);
      if (!length) return null;
      const end = length[1] + length[0];
      if (end > bytes.length) return null;
      if (bytes[at + TYPE_AT] === DOCUMENT) {
        const heads = documentHeads(bytes, length[1], end);
        if (!heads) return null;
        for (const h of heads) hashes.add(h);
      } else {
        try {
          const change = A.decodeChange(bytes.subarray(at, end));
          hashes.add(change.hash);
          for (const d of change.deps) deps.add(d);
        } catch {
          return null;
        }
      }
      at = end;
    }
  }
  return [...hashes].filter((h) => !deps.has(h)).sort();
}

/**
 * The heads of the stored chunks that came from the relay as these chunk ids (the sync state's
 * list for the account: a chunk received from another account's relay says nothing about this
 * one), or null when none is stored or one is not whole chunks.
 */
export function receivedHeads(stored: readonly StoredChunk[], chunkIds: readonly string[]): string[] | null {
  const names = new Set(chunkIds.map(relayChunkName));
  const mine = stored.filter((c) => names.has(c.name));
  return mine.length ? headsOfChunks(mine.map((c) => c.data)) : null;
}
