/**
 * POST /api/bundle: every document the account has stored that the device does not list in
 * `have`, in one streamed response (shared/sync/bundle-format.ts). A new device gets its
 * workspace this way instead of one sync exchange per document (5,200 of them took minutes);
 * the WebSocket sync then only carries what changes. The account's workspace comes first, so
 * its titles can show while the rest streams.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BUNDLE_END, BUNDLE_MAGIC, encodeRecordHeader } from '../shared/sync/bundle-format.ts';
import { listStoredDocuments, readStoredDocument } from './bundle-read.ts';

/** Largest request body: a device listing ~200,000 document ids. */
export const MAX_BUNDLE_REQUEST_BYTES = 8 * 1024 * 1024;
/** Documents read ahead of the one being sent. */
const READ_AHEAD = 8;

export type BundleRequest = { ok: true; have: Set<string> } | { ok: false; status: 400 | 413; error: string };

/** Reads `{"have": ["<document id>", …]}` (an empty body means the device has nothing). */
export async function readBundleRequest(req: IncomingMessage): Promise<BundleRequest> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BUNDLE_REQUEST_BYTES) return { ok: false, status: 413, error: 'request too large' };
    parts.push(chunk);
  }
  const text = Buffer.concat(parts).toString('utf8').trim();
  if (!text) return { ok: true, have: new Set() };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, error: 'the body is not JSON' };
  }
  const have = (body as { have?: unknown } | null)?.have;
  if (!Array.isArray(have) || !have.every((x) => typeof x === 'string')) {
    return { ok: false, status: 400, error: '"have" must be a list of document ids' };
  }
  return { ok: true, have: new Set(have as string[]) };
}

/** Streams the bundle; resolves when it is sent (or the device went away). */
export async function sendBundle(
  res: ServerResponse,
  docsDir: string,
  have: ReadonlySet<string>,
  firstId: string | null,
  headers: Record<string, string>,
): Promise<void> {
  const stored = await listStoredDocuments(docsDir);
  const ids = stored.filter((id) => !have.has(id));
  if (firstId) {
    const at = ids.indexOf(firstId);
    if (at > 0) ids.unshift(...ids.splice(at, 1));
  }
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Cache-Control': 'no-store',
    'X-Bundle-Documents': String(ids.length),
    ...headers,
  });
  let gone = false;
  res.once('close', () => {
    gone = true;
  });
  const write = async (bytes: Uint8Array) => {
    if (!res.write(bytes)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  };
  await write(BUNDLE_MAGIC);
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
    if (!data) continue;
    await write(encodeRecordHeader(ids[i]!, data.length));
    await write(data);
  }
  if (!gone) res.end(BUNDLE_END);
}
