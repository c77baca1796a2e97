/**
 * Whether a storage key (automerge-repo's layout: [documentId, kind, name]) names one of a
 * document's chunks — its content — rather than a sync state or the repo's own storage id.
 */
export function isChunkKey(key: readonly unknown[]): boolean {
  return key.length === 3 && (key[1] === 'snapshot' || key[1] === 'incremental');
}

/** Chunks received from the relay are stored under `relay-<chunk id>` (client/sync/engine). */
export function relayChunkName(chunkId: string): string {
  return `relay-${chunkId}`;
}

export function isRelayChunkName(name: unknown): boolean {
  return typeof name === 'string' && name.startsWith('relay-');
}

export type StoredChunkKind = 'snapshot' | 'incremental';

/** Automerge's chunk header: magic (4) | checksum (4) | type (1): type 0 is a whole document. */
const TYPE_AT = 8;
const DOCUMENT_CHUNK = 0;

/**
 * The storage kind a received chunk is filed under: bytes that start with a whole document
 * (what `A.save` writes: the relay's snapshots, a legacy bundle's documents) are a `snapshot`,
 * changes (`A.saveSince`) are `incremental`. automerge-repo compacts a document at its next
 * save when its incremental chunks weigh as much as its snapshots, so a whole document filed as
 * incremental made the first save after a pairing write the whole document again.
 */
export function storedChunkKind(data: Uint8Array): StoredChunkKind {
  return data[TYPE_AT] === DOCUMENT_CHUNK ? 'snapshot' : 'incremental';
}

/** Both kinds a received chunk may be stored under (looked up by name alone). */
export const STORED_CHUNK_KINDS: readonly StoredChunkKind[] = ['snapshot', 'incremental'];
