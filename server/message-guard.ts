/**
 * Validation of what a client sends on /sync, before automerge-repo sees it.
 *
 * automerge-repo trusts its peers: a message of the wrong shape throws deep inside the repo
 * (in 2.5.6 one text frame kills the process). Everything a relay receives comes from the
 * network, so each frame is checked here and a bad one costs only its own socket.
 */
import { next as A } from '@automerge/automerge';
import { cbor, isValidDocumentId } from '@automerge/automerge-repo';

/** WebSocket close codes the relay uses (1000–1015 per RFC 6455, 4000+ for the application). */
export const CLOSE = {
  goingAway: 1001,
  unsupportedData: 1003,
  policyViolation: 1008,
  tooBig: 1009,
  internalError: 1011,
  /** the token this socket authenticated with was rotated or its account removed */
  tokenRevoked: 4401,
  /** another live socket already joined with this peer id */
  peerIdInUse: 4409,
  /** the account already has its maximum number of open sockets */
  tooManyConnections: 4429,
  /** the account's document or storage limit refused a write */
  quotaExceeded: 4507,
} as const;

export interface Rejection {
  code: number;
  /** Short, fixed text: sent as the close reason and logged, so never message contents. */
  reason: string;
}

/** What the relay does with a frame that passed the checks. */
export type Verdict =
  | { kind: 'join'; peerId: string; message: Record<string, unknown> }
  | { kind: 'forward'; message: Record<string, unknown> }
  | { kind: 'ignore' }
  | { kind: 'reject'; rejection: Rejection };

const reject = (code: number, reason: string): Verdict => ({ kind: 'reject', rejection: { code, reason } });

/** Printable ASCII, no spaces: peer ids end up in logs, so no control characters or newlines. */
const PEER_ID_RE = /^[\x21-\x7e]{1,128}$/;
/** A storage id names a file on the relay (the peer's sync state): a UUID in practice. */
const STORAGE_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidPeerId(id: unknown): id is string {
  return typeof id === 'string' && PEER_ID_RE.test(id);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array && v.byteLength > 0;
}

function decodes(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

/**
 * Decides what to do with one binary frame from a socket.
 * `boundPeerId` is the peer id this socket joined with (null before its join).
 */
export function checkFrame(bytes: Uint8Array, boundPeerId: string | null, relayPeerId: string): Verdict {
  let decoded: unknown;
  try {
    decoded = cbor.decode(bytes);
  } catch {
    return reject(CLOSE.policyViolation, 'undecodable CBOR');
  }
  if (!isPlainObject(decoded) || typeof decoded.type !== 'string' || typeof decoded.senderId !== 'string') {
    return reject(CLOSE.policyViolation, 'not a sync protocol message');
  }
  const m = decoded;

  if (m.type === 'join') {
    if (boundPeerId !== null) return reject(CLOSE.policyViolation, 'second join on one socket');
    if (!isValidPeerId(m.senderId) || m.senderId === relayPeerId) return reject(CLOSE.policyViolation, 'invalid peer id');
    if (m.peerMetadata !== undefined && !isPlainObject(m.peerMetadata)) return reject(CLOSE.policyViolation, 'malformed join');
    const meta = m.peerMetadata;
    if (meta !== undefined) {
      if (meta.storageId !== undefined && !(typeof meta.storageId === 'string' && STORAGE_ID_RE.test(meta.storageId))) {
        return reject(CLOSE.policyViolation, 'malformed join');
      }
      if (meta.isEphemeral !== undefined && typeof meta.isEphemeral !== 'boolean') return reject(CLOSE.policyViolation, 'malformed join');
    }
    const versions = m.supportedProtocolVersions;
    if (versions !== undefined && !(Array.isArray(versions) && versions.every((v) => typeof v === 'string'))) {
      return reject(CLOSE.policyViolation, 'malformed join');
    }
    return { kind: 'join', peerId: m.senderId, message: m };
  }

  if (boundPeerId === null) return reject(CLOSE.policyViolation, 'message before join');
  // Ephemeral messages are gossip: a client passes on what it receives to its other peers,
  // keeping the original sender, so the relay gets back the ones it forwarded. Those echoes
  // are dropped (the relay already delivered them), not held against the client.
  if (m.type === 'ephemeral' && m.senderId !== boundPeerId) return { kind: 'ignore' };
  // A socket speaks only for the peer it joined as: no impersonating other devices.
  if (m.senderId !== boundPeerId) return reject(CLOSE.policyViolation, 'sender id differs from joined peer id');

  switch (m.type) {
    case 'sync':
    case 'request':
      if (m.targetId !== relayPeerId) return reject(CLOSE.policyViolation, 'wrong target');
      if (!isValidDocumentId(m.documentId)) return reject(CLOSE.policyViolation, 'invalid document id');
      if (!isBytes(m.data) || !decodes(() => A.decodeSyncMessage(m.data as Uint8Array))) {
        return reject(CLOSE.policyViolation, 'malformed sync message');
      }
      return { kind: 'forward', message: m };
    case 'ephemeral':
      if (m.targetId !== relayPeerId) return reject(CLOSE.policyViolation, 'wrong target');
      if (
        !isValidDocumentId(m.documentId) ||
        typeof m.sessionId !== 'string' ||
        typeof m.count !== 'number' ||
        !Number.isFinite(m.count) ||
        !isBytes(m.data) ||
        !decodes(() => cbor.decode(m.data as Uint8Array))
      ) {
        return reject(CLOSE.policyViolation, 'malformed ephemeral message');
      }
      return { kind: 'forward', message: m };
    case 'doc-unavailable':
      if (m.targetId !== relayPeerId) return reject(CLOSE.policyViolation, 'wrong target');
      if (!isValidDocumentId(m.documentId)) return reject(CLOSE.policyViolation, 'invalid document id');
      return { kind: 'forward', message: m };
    default:
      // Remote-heads gossip (off on the relay) and types from newer clients: harmless to drop.
      return { kind: 'ignore' };
  }
}
