import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readTarGz, writeTarGz, type TarEntry } from './archive.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'atelier-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entries: TarEntry[] = [
  { path: 'accounts.json', data: Buffer.from('{"version":1}') },
  { path: 'empty', data: new Uint8Array() },
  { path: `accounts/${'a'.repeat(24)}/2j/9knpCseyhnK8izDmLpGP5WMdZQ/snapshot/${'f'.repeat(64)}`, data: Uint8Array.from({ length: 1500 }, (_, i) => i % 256) },
  { path: `deep/${'x/'.repeat(100)}file`, data: Buffer.from('long path through pax') },
  { path: `${'n'.repeat(150)}/${'m'.repeat(120)}`, data: Buffer.from('a name part too long for ustar') },
];

async function readAll(file: string): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  for await (const e of readTarGz(file)) out.push(e);
  return out;
}

function hasTar(): boolean {
  try {
    execFileSync('tar', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('tar.gz archives', () => {
  it('round-trips paths of every length and binary data', async () => {
    const file = path.join(dir, 'a.tar.gz');
    await writeTarGz(file, entries);
    const back = await readAll(file);
    expect(back.map((e) => e.path)).toEqual(entries.map((e) => e.path));
    for (let i = 0; i < entries.length; i++) expect(Buffer.from(back[i]!.data).equals(Buffer.from(entries[i]!.data))).toBe(true);
  });

  it.skipIf(!hasTar())('is a tar file the system tar reads', async () => {
    const file = path.join(dir, 'b.tar.gz');
    await writeTarGz(file, entries);
    const listed = execFileSync('tar', ['tzf', file], { encoding: 'utf8' }).trim().split('\n');
    expect(listed).toEqual(entries.map((e) => e.path));
    const out = path.join(dir, 'out');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['xzf', file, '-C', out]);
    expect(readFileSync(path.join(out, entries[2]!.path))).toEqual(Buffer.from(entries[2]!.data));
  });

  it('refuses damaged archives: a flipped byte, a truncation, a bad header checksum', async () => {
    const file = path.join(dir, 'c.tar.gz');
    await writeTarGz(file, entries);
    const good = readFileSync(file);

    const flipped = Buffer.from(good);
    const mid = Math.floor(good.length / 2);
    flipped[mid] = (flipped[mid] ?? 0) ^ 0x55;
    writeFileSync(path.join(dir, 'flipped.tar.gz'), flipped);
    await expect(readAll(path.join(dir, 'flipped.tar.gz'))).rejects.toThrow();

    writeFileSync(path.join(dir, 'cut.tar.gz'), gzipSync(gunzipSync(good).subarray(0, 2_000)));
    await expect(readAll(path.join(dir, 'cut.tar.gz'))).rejects.toThrow(/truncated/);

    const raw = gunzipSync(good);
    raw[10] = raw[10]! ^ 1; // inside the first header's name
    writeFileSync(path.join(dir, 'header.tar.gz'), gzipSync(raw));
    await expect(readAll(path.join(dir, 'header.tar.gz'))).rejects.toThrow(/checksum/);
  });
});
