/**
 * The relay protocol (version 2): one WebSocket per device at `/sync`, binary frames only.
 *
 * A frame is `[u8 version = 2][u32 BE header length][header: UTF-8 JSON][body bytes]`.
 * The header says what the frame is (`t`); the body, when there is one, is ciphertext the relay
 * never reads. The relay stores chunks in an append-only log per account and gives each one a
 * sequence number; it never sees a document's content, only its random id and chunk sizes.
 *
 * Client → relay
 *   hello     first frame, authenticates the socket (the token never travels in a URL)
 *   set-key   claims the account's key id (and workspace) when it has none yet (first device);
 *             answered by `key-set` with whichever claim won
 *   pull      every live log entry after `since`, then `caught-up`; live entries follow. `first`
 *             names documents wanted before the rest (the workspace, which lists everything):
 *             their entries after `since` come first, in frames marked `ahead`, then every other
 *             entry in seq order (the ones sent ahead are not sent again)
 *   put       one part of an encrypted chunk (parts of one chunk in order, offsets contiguous);
 *             answered once, after the whole chunk is durably stored, by `ack` (or `nack`)
 *   eph       an encrypted ephemeral message for the account's other devices, never stored
 * Relay → client
 *   welcome   after a good hello: account id, its key id (null until claimed), log head, peers
 *   entries   log entries (a large chunk arrives as several parts with growing offsets); `ahead`:
 *             served out of seq order for a pull's `first` documents, so their seqs say nothing
 *             about what came before them (a client must not take them as its place in the log)
 *   caught-up the pull has sent everything up to `seq`
 *   ack/nack  the answer to a put (`id` is the client's)
 *   eph       an ephemeral message from another device of the account
 *   presence  how many other devices of the account are connected
 *   error     why the relay is about to close the socket (see CLOSE)
 */
import * as v from 'valibot';

export const PROTOCOL_VERSION = 2;
/** Body bytes of one frame at most: a larger chunk is sent (and served) in parts. */
export const PART_BYTES = 1024 * 1024;
/** A header (JSON) at most: a snapshot's `covers` list is the largest thing in one. */
export const MAX_HEADER_BYTES = 512 * 1024;
/** The largest frame either side accepts. */
export const MAX_FRAME_BYTES = 5 + MAX_HEADER_BYTES + PART_BYTES;
/** One encrypted chunk at most (all its parts). */
export const MAX_CHUNK_BYTES = 256 * 1024 * 1024;
/** Chunk ids a snapshot may name as covered. */
export const MAX_COVERS = 10_000;
/** Documents a pull may ask for ahead of the rest. */
export const MAX_FIRST = 8;

/** WebSocket close codes the relay uses; the app tells the person what each means. */
export const CLOSE = {
  /** the frame was not a frame of this protocol (the socket is closed, the account is untouched) */
  badFrame: 4400,
  /** unknown, rotated or removed token */
  tokenRefused: 4401,
  /** no hello within the time allowed */
  helloTimeout: 4408,
  /** too many sockets for this account or address */
  tooManyConnections: 4429,
  /** the account is over its storage quota: what is stored stays readable */
  quota: 4507,
  /** the relay is shutting down; reconnect */
  goingAway: 1001,
} as const;

export type ChunkKind = 'change' | 'snapshot';

// Ids are validated by shape so the relay can use them in file names and logs safely.
/** automerge-repo document ids are base58check strings */
const docId = v.pipe(v.string(), v.regex(/^[1-9A-HJ-NP-Za-km-z]{8,64}$/));
/** chunk ids: 16 random bytes, base64url (22 characters); a little slack for the future */
const chunkId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/));
const keyId = v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/));
/** the account's workspace document, as an Automerge URL */
const workspaceUrl = v.pipe(v.string(), v.regex(/^automerge:[1-9A-HJ-NP-Za-km-z]{8,64}$/));
const seq = v.pipe(v.number(), v.integer(), v.minValue(0));
const kind = v.picklist(['change', 'snapshot']);
const size = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_CHUNK_BYTES));
const offset = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_CHUNK_BYTES - 1));

export const ClientHeader = v.variant('t', [
  v.object({ t: v.literal('hello'), protocol: v.literal(PROTOCOL_VERSION), token: v.pipe(v.string(), v.minLength(1), v.maxLength(512)) }),
  /** first device of an account: the key id and the workspace; first claim wins, the answer says which */
  v.object({ t: v.literal('set-key'), keyId, workspace: workspaceUrl }),
  v.object({ t: v.literal('pull'), since: seq, first: v.optional(v.pipe(v.array(docId), v.maxLength(MAX_FIRST))) }),
  v.object({
    t: v.literal('put'),
    /** the client's request id, echoed in ack/nack */
    id: v.pipe(v.number(), v.integer(), v.minValue(0)),
    doc: docId,
    chunk: chunkId,
    kind,
    /** the whole chunk's size; this part's bytes are the body, at `offset` */
    size,
    offset,
    /** a snapshot names the chunks of the same document it contains; the relay drops them once it is stored */
    covers: v.optional(v.pipe(v.array(chunkId), v.maxLength(MAX_COVERS))),
  }),
  v.object({ t: v.literal('eph'), doc: v.optional(docId) }),
]);
export type ClientHeader = v.InferOutput<typeof ClientHeader>;

export const EntryHeader = v.object({
  seq: v.pipe(seq, v.minValue(1)),
  doc: docId,
  chunk: chunkId,
  kind,
  size,
  /** where this part's bytes start within the chunk; its length is `len` */
  offset,
  len: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(PART_BYTES)),
});
export type EntryHeader = v.InferOutput<typeof EntryHeader>;

export const NackCode = v.picklist(['quota', 'too-large', 'bad-part', 'bad-covers', 'busy', 'unavailable']);
export type NackCode = v.InferOutput<typeof NackCode>;

export const RelayHeader = v.variant('t', [
  /** `legacy`: the account still has readable files of the previous relay, to move over (see docs/architecture.md) */
  v.object({ t: v.literal('welcome'), account: v.string(), keyId: v.nullable(keyId), workspace: v.nullable(workspaceUrl), head: seq, peers: seq, legacy: v.optional(v.boolean()) }),
  v.object({ t: v.literal('entries'), entries: v.array(EntryHeader), ahead: v.optional(v.literal(true)) }),
  v.object({ t: v.literal('caught-up'), seq }),
  v.object({ t: v.literal('ack'), id: v.number(), seq, duplicate: v.optional(v.boolean()) }),
  v.object({ t: v.literal('nack'), id: v.number(), code: NackCode, message: v.string(), retryable: v.boolean() }),
  v.object({ t: v.literal('key-set'), keyId, workspace: v.nullable(workspaceUrl) }),
  v.object({ t: v.literal('eph'), from: v.string(), doc: v.optional(docId) }),
  v.object({ t: v.literal('presence'), peers: seq }),
  v.object({ t: v.literal('error'), code: v.number(), message: v.string() }),
]);
export type RelayHeader = v.InferOutput<typeof RelayHeader>;

export interface Frame<H> {
  header: H;
  body: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes one frame. `body` may be several pieces (the entries of a catch-up frame). */
export function encodeFrame(header: ClientHeader | RelayHeader, body: Uint8Array | readonly Uint8Array[] = []): Uint8Array {
  const head = encoder.encode(JSON.stringify(header));
  if (head.length > MAX_HEADER_BYTES) throw new RangeError('frame header too large');
  const parts = body instanceof Uint8Array ? [body] : body;
  const bodyLength = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(5 + head.length + bodyLength);
  out[0] = PROTOCOL_VERSION;
  new DataView(out.buffer).setUint32(1, head.length);
  out.set(head, 5);
  let at = 5 + head.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export type DecodeResult<H> = { ok: true; frame: Frame<H> } | { ok: false; reason: string };

function decodeWith<H>(schema: v.GenericSchema<unknown, H>, bytes: Uint8Array): DecodeResult<H> {
  if (bytes.length < 5) return { ok: false, reason: 'frame too short' };
  if (bytes.length > MAX_FRAME_BYTES) return { ok: false, reason: 'frame too large' };
  if (bytes[0] !== PROTOCOL_VERSION) return { ok: false, reason: `unknown protocol version ${bytes[0]}` };
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  if (headLength > MAX_HEADER_BYTES || 5 + headLength > bytes.length) return { ok: false, reason: 'bad header length' };
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(bytes.subarray(5, 5 + headLength)));
  } catch {
    return { ok: false, reason: 'header is not JSON' };
  }
  const parsed = v.safeParse(schema, json);
  if (!parsed.success) return { ok: false, reason: `bad header: ${parsed.issues[0]?.message ?? 'invalid'}` };
  const body = bytes.subarray(5 + headLength);
  if (body.length > PART_BYTES) return { ok: false, reason: 'body too large' };
  return { ok: true, frame: { header: parsed.output, body } };
}

/** Decodes a frame a client sent; never throws. Checks that fit the header alone are done here. */
export function decodeClientFrame(bytes: Uint8Array): DecodeResult<ClientHeader> {
  const r = decodeWith(ClientHeader, bytes);
  if (!r.ok) return r;
  const { header, body } = r.frame;
  if (header.t === 'put') {
    if (body.length === 0) return { ok: false, reason: 'empty part' };
    if (header.offset + body.length > header.size) return { ok: false, reason: 'part past the chunk size' };
    if (header.covers && header.kind !== 'snapshot') return { ok: false, reason: 'only a snapshot covers chunks' };
  } else if (header.t !== 'eph' && body.length > 0) {
    return { ok: false, reason: `${header.t} carries no body` };
  }
  return r;
}

/** Decodes a frame the relay sent; never throws. An `entries` body is split by each entry's `len`. */
export function decodeRelayFrame(bytes: Uint8Array): DecodeResult<RelayHeader> {
  const r = decodeWith(RelayHeader, bytes);
  if (!r.ok) return r;
  const { header, body } = r.frame;
  if (header.t === 'entries') {
    const total = header.entries.reduce((n, e) => n + e.len, 0);
    if (total !== body.length) return { ok: false, reason: 'entries do not match the body' };
    for (const e of header.entries) if (e.offset + e.len > e.size) return { ok: false, reason: 'entry part past the chunk size' };
  }
  return r;
}

/** The bodies of an `entries` frame, one per entry, in order (views into the frame). */
export function entryBodies(frame: Frame<Extract<RelayHeader, { t: 'entries' }>>): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const e of frame.header.entries) {
    out.push(frame.body.subarray(at, at + e.len));
    at += e.len;
  }
  return out;
}
