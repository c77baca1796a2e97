/**
 * The sync engine's decisions about what to push, as plain functions (engine.ts acts on them).
 *
 * Invariants: nothing is pushed before the device caught up with the relay under the account's
 * key, while stopped, or while the relay asked to wait (quota); at most `limit` uploads (and
 * compactions) are under way at once; a document already being uploaded, or refused for good
 * in this session, is not offered again; a document whose current heads the relay holds is
 * not uploaded at all.
 */

export interface UploadGate {
  /** the pull after connecting reached the relay's head */
  caughtUp: boolean;
  /** the relay's key id is this device's */
  keyOk: boolean;
  stopped: boolean;
  /** the relay asked to wait until then (quota), in `now`'s clock */
  pausedUntil: number;
  now: number;
}

export interface UploadsUnderWay {
  /** documents (and `compact:<id>` compactions) being pushed now */
  uploading: ReadonlySet<string>;
  /** documents the relay refused for good in this session */
  refused: ReadonlySet<string>;
}

/** The documents marked unsynced to start uploading now, in the ledger's order. */
export function planUploads(unsynced: Iterable<string>, under: UploadsUnderWay, gate: UploadGate, limit: number): string[] {
  if (!gate.caughtUp || !gate.keyOk || gate.stopped || gate.now < gate.pausedUntil) return [];
  const out: string[] = [];
  for (const id of unsynced) {
    if (under.uploading.size + out.length >= limit) break;
    if (under.uploading.has(id) || under.refused.has(id) || out.includes(id)) continue;
    out.push(id);
  }
  return out;
}

export function sameHeads(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((h) => b.includes(h));
}

/**
 * The heads the relay is known to hold for a document: those recorded by this device's uploads
 * and imports, or else (`received`: the heads of the chunks this device stored as they came from
 * the relay, null when unknown) those, when the document holds them all (`inDoc`). A device that
 * received a document while it was closed recorded nothing; without this its first upload sent
 * the whole document again.
 */
export function knownRelayHeads(recorded: readonly string[], received: readonly string[] | null, inDoc: (heads: string[]) => boolean): readonly string[] {
  if (recorded.length > 0) return recorded;
  if (!received || received.length === 0 || !inDoc([...received])) return [];
  return received;
}

/**
 * What one document's upload sends: nothing when the relay already holds its heads, the
 * changes since the heads the relay holds, or the whole document when the relay has none of it.
 */
export function chunkFor(relayHeads: readonly string[], heads: readonly string[]): 'none' | 'change' | 'snapshot' {
  if (relayHeads.length === 0) return 'snapshot';
  return sameHeads(relayHeads, heads) ? 'none' : 'change';
}

/**
 * A document is compacted (its chunks on the relay replaced by one snapshot) once it has more
 * than `after` chunks there and the relay holds all of it: a snapshot of changes not yet
 * uploaded would cover chunks it does not replace.
 */
export function compactionDue(chunks: number, after: number, heads: readonly string[], relayHeads: readonly string[]): boolean {
  return chunks > after && sameHeads(heads, relayHeads);
}
