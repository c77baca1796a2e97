/**
 * Random ids for documents' map keys and messages.
 * `crypto.randomUUID` exists only in secure contexts; phones often reach the relay over
 * plain http on the LAN, so build ids from `getRandomValues`, which exists everywhere.
 */
export function newId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
