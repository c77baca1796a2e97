/**
 * End-to-end encryption of what a device hands the relay.
 *
 * The workspace key is 32 random bytes made by the first device; it travels only in pairing
 * links' fragments and never reaches the relay. From it (HKDF-SHA256) come:
 *  - the chunk key: XChaCha20-Poly1305 (an audited AEAD that needs no WebCrypto, absent on a
 *    plain-http LAN page); every sealed value is `nonce (24 random bytes) ‖ ciphertext ‖ tag`;
 *  - the key id the relay keeps so a device with another key is told before it writes anything;
 *  - the fingerprint people compare between devices.
 * The associated data binds a chunk to its document id, chunk id and kind: a chunk replayed
 * into another document, or under another id, fails to open. Another account means another
 * workspace key, so its chunks fail to open too.
 */
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { ChunkKind } from './protocol.ts';

export const KEY_BYTES = 32;
const NONCE_BYTES = 24;
const TAG_BYTES = 16;
/** Bytes a sealed value adds to its plaintext. */
export const SEAL_OVERHEAD = NONCE_BYTES + TAG_BYTES;

const encoder = new TextEncoder();

export interface WorkspaceKey {
  /** the raw key (never sent to the relay) */
  readonly raw: Uint8Array;
  /** AEAD key for chunks and ephemeral messages */
  readonly chunkKey: Uint8Array;
  /** 32 hex characters the relay stores to tell devices with another key apart */
  readonly keyId: string;
  /** short, human-comparable: five groups of four characters */
  readonly fingerprint: string;
}

function derive(raw: Uint8Array, info: string, length: number): Uint8Array {
  return hkdf(sha256, raw, undefined, encoder.encode(info), length);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Crockford's base32 alphabet: no I, L, O, U to confuse when read aloud.
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function base32(bytes: Uint8Array, chars: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

export function workspaceKey(raw: Uint8Array): WorkspaceKey {
  if (raw.length !== KEY_BYTES) throw new RangeError('a workspace key is 32 bytes');
  const fp = base32(derive(raw, 'atelier/fingerprint/1', 13), 20);
  return {
    raw: raw.slice(),
    chunkKey: derive(raw, 'atelier/chunk-key/1', 32),
    keyId: hex(derive(raw, 'atelier/key-id/1', 16)),
    fingerprint: fp.match(/.{4}/g)!.join('-'),
  };
}

export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out); // available on plain-http pages (only `subtle` is not)
  return out;
}

export function newWorkspaceKey(): WorkspaceKey {
  return workspaceKey(randomBytes(KEY_BYTES));
}

/** 16 random bytes, base64url: a chunk id reveals nothing about its content. */
export function newChunkId(): string {
  return toBase64Url(randomBytes(16));
}

export function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The key as it appears in a pairing link's fragment (`key=…`). */
export function encodeKey(key: WorkspaceKey): string {
  return toBase64Url(key.raw);
}

/** null when the text is not a 32-byte base64url key */
export function decodeKey(text: string): WorkspaceKey | null {
  const raw = fromBase64Url(text.trim());
  return raw && raw.length === KEY_BYTES ? workspaceKey(raw) : null;
}

function chunkAad(doc: string, chunk: string, kind: ChunkKind): Uint8Array {
  return encoder.encode(`atelier-chunk/1\0${doc}\0${chunk}\0${kind}`);
}

function ephemeralAad(doc: string | undefined): Uint8Array {
  return encoder.encode(`atelier-eph/1\0${doc ?? ''}`);
}

function seal(key: WorkspaceKey, aad: Uint8Array, plain: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE_BYTES);
  const sealed = xchacha20poly1305(key.chunkKey, nonce, aad).encrypt(plain);
  const out = new Uint8Array(NONCE_BYTES + sealed.length);
  out.set(nonce);
  out.set(sealed, NONCE_BYTES);
  return out;
}

function open(key: WorkspaceKey, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < SEAL_OVERHEAD) return null;
  try {
    return xchacha20poly1305(key.chunkKey, sealed.subarray(0, NONCE_BYTES), aad).decrypt(sealed.subarray(NONCE_BYTES));
  } catch {
    return null; // wrong key, altered bytes, or bound to another document/chunk
  }
}

export function sealChunk(key: WorkspaceKey, doc: string, chunk: string, kind: ChunkKind, plain: Uint8Array): Uint8Array {
  return seal(key, chunkAad(doc, chunk, kind), plain);
}

/** null when the chunk does not open with this key for this document, id and kind */
export function openChunk(key: WorkspaceKey, doc: string, chunk: string, kind: ChunkKind, sealed: Uint8Array): Uint8Array | null {
  return open(key, chunkAad(doc, chunk, kind), sealed);
}

export function sealEphemeral(key: WorkspaceKey, doc: string | undefined, plain: Uint8Array): Uint8Array {
  return seal(key, ephemeralAad(doc), plain);
}

export function openEphemeral(key: WorkspaceKey, doc: string | undefined, sealed: Uint8Array): Uint8Array | null {
  return open(key, ephemeralAad(doc), sealed);
}
