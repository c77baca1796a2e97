import type { Repo } from '@automerge/automerge-repo';
import { openDoc } from '../repo/open-doc.ts';
import { saveBlob } from '../models/blobs.ts';
import type { BlobDoc } from '../../shared/schema/blob.ts';

/*
 * Pictures for vision models: resized on the device (longest side at most MAX_SIDE, what
 * vision encoders use anyway), kept in their own blob documents (Automerge keeps every
 * version of a binary: never inline in the conversation) and sent as bare base64.
 */

export const MAX_SIDE = 1536;
export const MAX_INPUT_BYTES = 30 * 1024 * 1024;
export const ACCEPTED_IMAGES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

export interface PreparedImage {
  mime: string;
  data: Uint8Array;
  width: number;
  height: number;
}

export type PrepareResult = { ok: true; image: PreparedImage } | { ok: false; error: 'not-image' | 'unreadable' };

/** Size that fits within MAX_SIDE, keeping the proportions. */
export function fitWithin(width: number, height: number, max = MAX_SIDE): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= max) return { width, height };
  const scale = max / longest;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Resize (when larger) and re-encode: PNG stays PNG (text, transparency), everything else
 * becomes JPEG, which every vision model reads (not all read WebP or GIF).
 */
export async function prepareImage(file: Blob): Promise<PrepareResult> {
  if (!ACCEPTED_IMAGES.includes(file.type) || file.size > MAX_INPUT_BYTES) return { ok: false, error: 'not-image' };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return { ok: false, error: 'unreadable' };
  }
  const size = fitWithin(bitmap.width, bitmap.height);
  const keep = (file.type === 'image/png' || file.type === 'image/jpeg') && size.width === bitmap.width && size.height === bitmap.height;
  if (keep) {
    bitmap.close();
    return { ok: true, image: { mime: file.type, data: new Uint8Array(await file.arrayBuffer()), ...size } };
  }
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return { ok: false, error: 'unreadable' };
  const mime = file.type === 'image/png' ? 'image/png' : 'image/jpeg';
  if (mime === 'image/jpeg') {
    // JPEG has no transparency: put transparent pixels on white rather than black
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, size.width, size.height);
  }
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, size.width, size.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, mime, 0.9));
  if (!blob) return { ok: false, error: 'unreadable' };
  return { ok: true, image: { mime, data: new Uint8Array(await blob.arrayBuffer()), ...size } };
}

export function storeImage(repo: Repo, image: PreparedImage): string {
  return saveBlob(repo, image.mime, image.data);
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin);
}

/** The picture of a blob document as bare base64 (what Ollama's `images` wants); null when unavailable. */
export async function imageBase64(repo: Repo, url: string): Promise<string | null> {
  const opened = await openDoc<BlobDoc>(repo, url, 'atelier/blob');
  if (opened.status !== 'ok' && opened.status !== 'newer') return null;
  return bytesToBase64(opened.handle.doc().data);
}

/** Base64 of every picture of the given messages, by blob URL. */
export async function loadImages(repo: Repo, urls: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  await Promise.all(
    [...new Set(urls)].map(async (u) => {
      const b = await imageBase64(repo, u);
      if (b !== null) out.set(u, b);
    }),
  );
  return out;
}
