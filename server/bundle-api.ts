/**
 * POST /api/bundle: every document the account has stored that the device does not list in
 * `have`, plus — when the device says `since` (the X-Bundle-Time of its last complete bundle)
 * — those it has that changed on disk since then, in one streamed response
 * (shared/sync/bundle-format.ts). A new device gets its workspace this way instead of one sync
 * exchange per document (5,200 of them took minutes), and a device coming back online gets
 * what other devices changed without loading every document it has; the WebSocket sync then
 * only carries what changes. The account's workspace comes first, so its titles can show
 * while the rest streams.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BUNDLE_END, BUNDLE_MAGIC, encodeCount, encodeRecordHeader } from '../shared/sync/bundle-format.ts';
import { documentChangedAt, inBatches, listStoredDocuments, readStoredDocument } from './bundle-read.ts';

/** Largest request body: a device listing ~200,000 document ids. */
export const MAX_BUNDLE_REQUEST_BYTES = 8 * 1024 * 1024;
/** Documents read ahead of the one being sent. */
const READ_AHEAD = 8;
/** Folder times are compared with this slack (file systems with coarse timestamps, clock steps). */
const SINCE_SLACK_MS = 2_000;

export type BundleRequest =
  | { ok: true; have: Set<string>; since: number | null }
  | { ok: false; status: 400 | 413; error: string };

/** Reads `{"have": ["<document id>", …], "since"?: <ms>}` (an empty body means the device has nothing). */
export async function readBundleRequest(req: IncomingMessage): Promise<BundleRequest> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BUNDLE_REQUEST_BYTES) return { ok: false, status: 413, error: 'request too large' };
      parts.push(chunk);
    }
  } catch {
    return { ok: false, status: 400, error: 'the request was cut short' }; // the device went away
  }
  const text = Buffer.concat(parts).toString('utf8').trim();
  if (!text) return { ok: true, have: new Set(), since: null };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, error: 'the body is not JSON' };
  }
  const { have, since } = (body ?? {}) as { have?: unknown; since?: unknown };
  if (!Array.isArray(have) || !have.every((x) => typeof x === 'string')) {
    return { ok: false, status: 400, error: '"have" must be a list of document ids' };
  }
  if (since !== undefined && since !== null && (typeof since !== 'number' || !Number.isFinite(since))) {
    return { ok: false, status: 400, error: '"since" must be a time in milliseconds' };
  }
  return { ok: true, have: new Set(have as string[]), since: typeof since === 'number' ? since : null };
}

type Selection = { have: ReadonlySet<string>; since: number | null };

/** Whether the device should get this stored document: it lacks it, or it changed on disk since `since`. */
async function wanted(docsDir: string, id: string, { have, since }: Selection): Promise<boolean> {
  if (!have.has(id)) return true;
  return since !== null && (await documentChangedAt(docsDir, id)) >= since - SINCE_SLACK_MS;
}

/** The stored documents to send, but `skip`. */
async function selectDocuments(docsDir: string, selection: Selection, skip: string | null): Promise<string[]> {
  const stored = (await listStoredDocuments(docsDir)).filter((id) => id !== skip);
  const keep = await inBatches(stored, (id) => wanted(docsDir, id, selection));
  return stored.filter((_, i) => keep[i]);
}

/**
 * Streams the bundle; resolves when it is sent (or the device went away). `firstId` (the
 * workspace) is read and sent before the account's folder is even listed: a new device shows
 * titles while the rest streams.
 */
export async function sendBundle(
  res: ServerResponse,
  docsDir: string,
  selection: Selection,
  firstId: string | null,
  headers: Record<string, string>,
): Promise<void> {
  // Taken before anything is read: a change written while the bundle is made is sent again next time.
  const bundleTime = Date.now();
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Cache-Control': 'no-store',
    'X-Bundle-Time': String(bundleTime),
    ...headers,
  });
  // The device may go away at any point, even before the first write: then no 'drain' and no
  // further 'close' come, and waiting for either would hold the account's bundle slot forever.
  let gone = res.destroyed;
  const closed = new Promise<void>((resolve) => res.once('close', resolve)).then(() => {
    gone = true;
  });
  const write = async (bytes: Uint8Array) => {
    if (gone || res.destroyed) return;
    if (!res.write(bytes)) await Promise.race([once(res, 'drain'), closed]);
  };
  const send = async (id: string, data: Buffer) => {
    await write(encodeRecordHeader(id, data.length));
    await write(data);
  };
  await write(BUNDLE_MAGIC);
  let sent = 0;
  if (firstId && (await wanted(docsDir, firstId, selection))) {
    const data = await readStoredDocument(docsDir, firstId).catch(() => null);
    if (data) {
      await send(firstId, data);
      sent++;
    }
  }
  const ids = await selectDocuments(docsDir, selection, firstId);
  await write(encodeCount(sent + ids.length));
  const reads: Promise<Buffer | null>[] = [];
  const readAt = (i: number) => {
    const id = ids[i];
    // A document that cannot be read is left out: the device asks for it over sync instead.
    if (id !== undefined) reads[i] = readStoredDocument(docsDir, id).catch(() => null);
  };
  for (let i = 0; i < Math.min(READ_AHEAD, ids.length); i++) readAt(i);
  for (let i = 0; i < ids.length && !gone; i++) {
    readAt(i + READ_AHEAD);
    const data = await reads[i]!;
    delete reads[i];
    if (data) await send(ids[i]!, data);
  }
  if (!gone) res.end(BUNDLE_END);
}
