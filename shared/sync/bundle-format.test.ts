import { describe, expect, it } from 'vitest';
import { BUNDLE_END, BUNDLE_MAGIC, BundleFormatError, BundleReader, encodeCount, encodeRecordHeader, type BundleRecord } from './bundle-format.ts';
import { concatBytes } from '@noble/hashes/utils.js';

const ID_A = '2xR4N1M3qTzXg1s5U7Yc9BvWa';
const ID_B = '3kP8sD2fG5hJ7kL9mN1pQ4rS6';

function bundle(records: { id: string; data: Uint8Array }[], end = true): Uint8Array {
  const parts: Uint8Array[] = [BUNDLE_MAGIC];
  records.forEach((r, i) => {
    parts.push(encodeRecordHeader(r.id, r.data.length), r.data);
    if (i === 0) parts.push(encodeCount(records.length)); // as the relay does: after the first document
  });
  if (end) parts.push(BUNDLE_END);
  return concatBytes(...parts);
}

function readAll(bytes: Uint8Array, chunkSize: number, totals: (number | null)[] = []): BundleRecord[] {
  const reader = new BundleReader();
  const out: BundleRecord[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) {
    out.push(...reader.push(bytes.subarray(i, i + chunkSize)));
    totals.push(reader.total);
  }
  reader.finish();
  return out;
}

describe('document bundle format', () => {
  const big = new Uint8Array(300_000).map((_, i) => i % 251);
  const records = [
    { id: ID_A, data: new Uint8Array([1, 2, 3]) },
    { id: ID_B, data: big },
  ];

  it('reads back every record whatever the chunk boundaries', () => {
    const bytes = bundle(records);
    for (const size of [1, 7, 4096, 65_536, bytes.length]) {
      const totals: (number | null)[] = [];
      const got = readAll(bytes, size, totals);
      expect(totals.at(-1)).toBe(2);
      expect(got.map((r) => r.documentId)).toEqual([ID_A, ID_B]);
      expect([...got[0]!.data]).toEqual([1, 2, 3]);
      // (toEqual on 300 KB typed arrays takes seconds)
      expect(got[1]!.data.length === big.length && got[1]!.data.every((b, i) => b === big[i])).toBe(true);
    }
  });

  it('an empty bundle is just the magic and the end record', () => {
    expect(readAll(bundle([]), 3)).toEqual([]);
  });

  it('a bundle cut short is an error, not a shorter list', () => {
    const bytes = bundle(records, false);
    expect(() => readAll(bytes, 1000)).toThrow(BundleFormatError);
    expect(() => readAll(bundle(records).subarray(0, 200), 50)).toThrow(/ended early/);
  });

  it('rejects something that is not a bundle, and a bad document id', () => {
    expect(() => readAll(new TextEncoder().encode('<html>oops</html>'), 4)).toThrow(/not a document bundle/);
    expect(() => readAll(bundle([{ id: '../../etc/passwd', data: new Uint8Array(1) }]), 64)).toThrow(/invalid document id/);
  });

  it('rejects data after the end record', () => {
    const bytes = bundle(records);
    const extra = new Uint8Array(bytes.length + 1);
    extra.set(bytes);
    expect(() => readAll(extra, 64)).toThrow(/after the end/);
  });
});
