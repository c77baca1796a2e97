/**
 * What an end-to-end encrypted relay must never hold or send: the person's texts, or an
 * Automerge chunk (every one starts with these magic bytes). Shared by the Node and browser tests.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export const AUTOMERGE_MAGIC = Buffer.from([0x85, 0x6f, 0x4a, 0x83]);

/** Every file under `dir`, with its bytes, labelled by its path. */
export async function filesWithBytes(dir: string): Promise<Array<{ label: string; bytes: Uint8Array }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return Promise.all(files.map(async (f) => ({ label: f, bytes: await readFile(f) })));
}

/** What is readable in `blobs`: each known text or Automerge header found, and where. Empty when none. */
export function readableIn(blobs: ReadonlyArray<{ label: string; bytes: Uint8Array }>, texts: readonly string[]): string[] {
  const found: string[] = [];
  for (const { label, bytes } of blobs) {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (b.includes(AUTOMERGE_MAGIC)) found.push(`Automerge header in ${label}`);
    for (const t of texts) if (b.includes(Buffer.from(t))) found.push(`"${t}" in ${label}`);
  }
  return found;
}
