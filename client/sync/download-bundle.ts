/**
 * Downloads, in one response, every document the relay holds for the account that this
 * device lacks (POST /api/bundle, shared/sync/bundle-format.ts), and stores them as they
 * arrive. A new device then has its whole workspace in seconds instead of one sync exchange
 * per document; WebSocket sync carries only what changes afterwards.
 */
import { BundleReader, type BundleRecord } from '../../shared/sync/bundle-format.ts';
import type { StoredDocuments } from '../repo/stored-documents.ts';
import { relayHttpBase } from '../repo/relay-url.ts';

/** Documents written per IndexedDB transaction (or fewer bytes, see MAX_BATCH_BYTES). */
const BATCH = 250;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;

export interface BundleProgress {
  stored: number;
  /** as announced by the relay; null if it did not say */
  total: number | null;
}

export interface BundleResult {
  /** ids of the documents now stored on this device from this bundle */
  stored: string[];
  /** ids the device had before (null if IndexedDB could not be read) */
  had: ReadonlySet<string> | null;
  /** true when the whole bundle arrived; false when it was cut short or refused (what arrived is kept) */
  complete: boolean;
  /** the relay's time of a complete bundle: the next one asks for what changed since */
  bundleAt: number | null;
}

export async function downloadBundle(
  relayWsUrl: string,
  token: string,
  documents: StoredDocuments,
  opts: {
    signal?: AbortSignal;
    /** bundleAt of the last complete bundle from this relay: documents this device has come again only if they changed since */
    since?: number | null;
    onProgress?: (p: BundleProgress) => void;
    /** after each batch is written */
    onStored?: (records: readonly BundleRecord[]) => void;
  } = {},
): Promise<BundleResult> {
  const stored: string[] = [];
  let have: Set<string>;
  try {
    have = await documents.ids();
  } catch {
    return { stored, had: null, complete: false, bundleAt: null };
  }
  const failed = (): BundleResult => ({ stored, had: have, complete: false, bundleAt: null });
  let res: Response;
  try {
    res = await fetch(`${relayHttpBase(relayWsUrl)}/api/bundle`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ have: [...have], since: opts.since ?? null }),
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch {
    return failed();
  }
  if (!res.ok || !res.body) return failed();
  const time = Number(res.headers.get('X-Bundle-Time') ?? NaN);
  const bundleAt = Number.isFinite(time) ? time : null;
  // A document this device already has comes again when it changed on the relay: its chunk
  // is added beside the ones the repo wrote (which it may be about to compact away).
  const chunkName = `bundle-${bundleAt ?? Date.now()}`;
  const reader = new BundleReader();
  let batch: BundleRecord[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (!batch.length) return;
    const records = batch;
    batch = [];
    batchBytes = 0;
    await documents.put(records, chunkName);
    for (const r of records) stored.push(r.documentId);
    opts.onStored?.(records);
    opts.onProgress?.({ stored: stored.length, total: reader.total });
  };
  const body = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await body.read();
      if (done) break;
      for (const record of reader.push(value)) {
        // The workspace comes first and is what the person sees first: store it at once.
        batch.push(record);
        batchBytes += record.data.length;
        if (stored.length === 0 || batch.length >= BATCH || batchBytes >= MAX_BATCH_BYTES) await flush();
      }
    }
    reader.finish();
    await flush();
    return { stored, had: have, complete: true, bundleAt };
  } catch {
    // A cut connection, a malformed bundle or a failed write: keep what was stored.
    await flush().catch(() => undefined);
    void body.cancel().catch(() => undefined);
    return failed();
  }
}
