import type { AutomergeUrl, Repo } from '@automerge/automerge-repo';
import { initialBlob, type BlobDoc } from '../../shared/schema/index.ts';
import { openDoc } from '../repo/open-doc.ts';

/** Stores picture bytes in their own document and returns its URL. */
export function saveBlob(repo: Repo, mime: string, data: Uint8Array): AutomergeUrl {
  return repo.create<BlobDoc>(initialBlob(mime, data)).url;
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin);
}

export function bytesToDataUrl(mime: string, data: Uint8Array): string {
  return `data:${mime};base64,${toBase64(data)}`;
}

/** Parses a base64 data URL; null when it is not one. */
export function dataUrlToBytes(url: string): { mime: string; data: Uint8Array } | null {
  const m = /^data:([a-z]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/=\s]*)$/i.exec(url);
  if (!m) return null;
  try {
    const bin = atob((m[2] ?? '').replace(/\s/g, ''));
    const data = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
    return { mime: (m[1] ?? '').toLowerCase(), data };
  } catch {
    return null;
  }
}

export async function blobDataUrl(repo: Repo, url: string | null): Promise<string | null> {
  if (!url) return null;
  const opened = await openDoc<BlobDoc>(repo, url, 'atelier/blob');
  if (opened.status !== 'ok' && opened.status !== 'newer') return null;
  const doc = opened.handle.doc();
  return bytesToDataUrl(doc.mime, doc.data);
}
