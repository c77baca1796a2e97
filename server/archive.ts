/**
 * A gzip-compressed tar archive (POSIX ustar, with pax headers for long paths), written and
 * read as streams with node:zlib only. Operators can look inside a backup with
 * `tar tzf backup.tar.gz`; restore.ts reads it back with `readTarGz`.
 *
 * Only regular files are written; the reader skips directories and other entry types, and
 * refuses anything malformed (bad header checksum, truncated data, missing end blocks).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable, pipeline as pipe } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';

const BLOCK = 512;

export interface TarEntry {
  path: string;
  data: Uint8Array;
  /** seconds since the epoch (default: now) */
  mtime?: number;
}

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

function writeString(buf: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new ArchiveError(`tar field too long: ${value}`);
  bytes.copy(buf, offset);
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  writeString(buf, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

function header(name: string, size: number, mtime: number, type: '0' | 'x', prefix = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  writeString(h, 0, 100, name);
  writeOctal(h, 100, 8, 0o600);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, size);
  writeOctal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156); // checksum computed with this field as spaces
  h.write(type, 156, 'ascii');
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** ustar splits a long path into prefix/name at a slash; pax records take over when it cannot. */
function splitPath(p: string): { name: string; prefix: string } | null {
  if (Buffer.byteLength(p) <= 100) return { name: p, prefix: '' };
  for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) {
    const prefix = p.slice(0, i);
    const name = p.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100 && name !== '') return { name, prefix };
  }
  return null;
}

function paxRecord(key: string, value: string): Buffer {
  // "<length> <key>=<value>\n", where length counts itself
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return Buffer.from(`${len}${body}`, 'utf8');
}

export function* tarBlocks(entry: TarEntry): Generator<Buffer> {
  const mtime = Math.floor(entry.mtime ?? Date.now() / 1000);
  const data = Buffer.from(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
  const split = splitPath(entry.path);
  if (split) {
    yield header(split.name, data.length, mtime, '0', split.prefix);
  } else {
    const pax = paxRecord('path', entry.path);
    yield header('PaxHeader', pax.length, mtime, 'x');
    yield pax;
    yield padding(pax.length);
    yield header('long-path', data.length, mtime, '0'); // readers take the path from the pax record
  }
  yield data;
  yield padding(data.length);
}

/** Writes entries into a .tar.gz file. */
export async function writeTarGz(file: string, entries: AsyncIterable<TarEntry> | Iterable<TarEntry>): Promise<void> {
  async function* blocks(): AsyncGenerator<Buffer> {
    for await (const e of entries) yield* tarBlocks(e);
    yield Buffer.alloc(BLOCK * 2); // end of archive
  }
  await pipeline(Readable.from(blocks()), createGzip({ level: 6 }), createWriteStream(file, { mode: 0o600 }));
}

function readString(buf: Buffer, offset: number, length: number): string {
  const end = buf.indexOf(0, offset);
  return buf.toString('utf8', offset, end === -1 || end > offset + length ? offset + length : end);
}

function readOctal(buf: Buffer, offset: number, length: number): number {
  const s = readString(buf, offset, length).trim();
  if (!/^[0-7]*$/.test(s)) throw new ArchiveError('corrupt tar header (number field)');
  return s === '' ? 0 : parseInt(s, 8);
}

function checkHeader(h: Buffer): void {
  const stored = readOctal(h, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  if (sum !== stored) throw new ArchiveError('corrupt tar header (checksum)');
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    if (space === -1) throw new ArchiveError('corrupt pax header');
    const len = Number(data.toString('ascii', i, space));
    if (!Number.isInteger(len) || len <= 0 || i + len > data.length) throw new ArchiveError('corrupt pax header');
    const record = data.toString('utf8', space + 1, i + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}

/** Reads the regular files of a .tar.gz file, in order. Throws ArchiveError on anything malformed. */
export async function* readTarGz(file: string): AsyncGenerator<TarEntry> {
  let buf: Buffer = Buffer.alloc(0);
  let ended = false;
  // pipeline (unlike pipe) passes a read error on, so iterating fails instead of waiting forever
  const source = pipe(createReadStream(file), createGunzip(), () => {});
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const need = async (n: number): Promise<boolean> => {
    while (buf.length < n) {
      const { value, done } = await iterator.next();
      if (done) return false;
      buf = buf.length === 0 ? value : Buffer.concat([buf, value]);
    }
    return true;
  };
  const take = (n: number): Buffer => {
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
  let paxPath: string | null = null;
  try {
    for (;;) {
      if (!(await need(BLOCK))) throw new ArchiveError('truncated archive (no end marker)');
      const h = Buffer.from(take(BLOCK));
      if (h.every((b) => b === 0)) {
        ended = true;
        break;
      }
      checkHeader(h);
      const size = readOctal(h, 124, 12);
      const type = String.fromCharCode(h[156] ?? 0);
      const padded = size + ((BLOCK - (size % BLOCK)) % BLOCK);
      if (!(await need(padded))) throw new ArchiveError('truncated archive (file data)');
      const data = Buffer.from(take(padded).subarray(0, size));
      if (type === 'x') {
        paxPath = parsePax(data).path ?? null;
        continue;
      }
      const prefix = readString(h, 345, 155);
      const name = readString(h, 0, 100);
      const path = paxPath ?? (prefix ? `${prefix}/${name}` : name);
      paxPath = null;
      if (type !== '0' && type !== '\0') continue; // directories, links...: not ours
      yield { path, data: new Uint8Array(data), mtime: readOctal(h, 136, 12) };
    }
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(`unreadable archive (${(err as Error).message})`);
  } finally {
    source.destroy();
  }
  if (!ended) throw new ArchiveError('truncated archive');
}
