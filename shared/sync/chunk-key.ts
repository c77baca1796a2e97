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
