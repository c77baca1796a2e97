import { Inflate, deflateSync, strToU8 } from 'fflate';
import { decodeBase64Url, encodeBase64Url } from './base64url.ts';

/*
 * Share links carry one preset (an Open WebUI model element) in the URL fragment, which
 * browsers never send to a server: base64url(deflate(JSON)). The receiver decodes the
 * fragment here and hands the text to parseOpenWebUIImport.
 */

export const SHARE_MAX_BYTES = 2_000_000;

export type ShareDecodeError =
  | { code: 'share-empty' }
  | { code: 'share-bad-base64' }
  | { code: 'share-inflate-failed' }
  | { code: 'share-too-large'; maxBytes: number }
  | { code: 'share-bad-text' };

export type ShareDecodeResult = { ok: true; text: string } | { ok: false; error: ShareDecodeError };

export function encodeSharePayload(owuiElement: unknown): string {
  return encodeBase64Url(deflateSync(strToU8(JSON.stringify(owuiElement)), { level: 9 }));
}

/** Input is fed to the inflater in small slices so one slice can only expand so far past the cap. */
const SLICE = 1024;

/**
 * Inflate, refusing as soon as the output passes `maxBytes` (a zip bomb never gets
 * inflated further: memory stays under maxBytes plus one slice's expansion, ~1 MB).
 */
function inflateCapped(data: Uint8Array, maxBytes: number): Uint8Array | 'too-large' | 'failed' {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let over = false;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    size += chunk.length;
    if (size > maxBytes) over = true;
    else chunks.push(chunk);
    if (final) ended = true;
  });
  try {
    for (let i = 0; i < data.length && !over; i += SLICE) {
      const end = Math.min(i + SLICE, data.length);
      inflater.push(data.subarray(i, end), end === data.length);
    }
  } catch {
    return over ? 'too-large' : 'failed';
  }
  if (over) return 'too-large';
  if (!ended) return 'failed';
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** The JSON text carried by a share fragment (with or without its leading `#`). Never throws. */
export function decodeSharePayload(fragment: string, maxBytes = SHARE_MAX_BYTES): ShareDecodeResult {
  const s = fragment.trim().replace(/^#/, '');
  if (s === '') return { ok: false, error: { code: 'share-empty' } };
  // a compressed payload already larger than the cap is refused without decoding it
  if ((s.length * 3) / 4 > maxBytes) return { ok: false, error: { code: 'share-too-large', maxBytes } };
  const bytes = decodeBase64Url(s);
  if (bytes === null || bytes.length === 0) return { ok: false, error: { code: 'share-bad-base64' } };
  const inflated = inflateCapped(bytes, maxBytes);
  if (inflated === 'too-large') return { ok: false, error: { code: 'share-too-large', maxBytes } };
  if (inflated === 'failed') return { ok: false, error: { code: 'share-inflate-failed' } };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(inflated) };
  } catch {
    return { ok: false, error: { code: 'share-bad-text' } };
  }
}
