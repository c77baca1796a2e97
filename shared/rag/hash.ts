import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/**
 * SHA-256, hex: the key of cached embeddings (with the model name), and a stored document's
 * chunk name. @noble/hashes, not WebCrypto: `crypto.subtle` is absent on a plain-http LAN page
 * and in its workers, where documents must still attach and answer.
 */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  return bytesToHex(sha256(typeof input === 'string' ? utf8ToBytes(input) : input));
}
