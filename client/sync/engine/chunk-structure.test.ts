import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { sha256 } from '@noble/hashes/sha2.js';
import { chunkStructure } from './chunk-structure.ts';

type Note = { text: string; items: number[] };

function history() {
  let doc = A.from<Note>({ text: 'hello', items: [] });
  const base = A.getHeads(doc);
  doc = A.change(doc, (d) => {
    A.splice(d, ['text'], 5, 0, ' world'.repeat(500));
    for (let i = 0; i < 300; i++) d.items.push(i);
  });
  doc = A.change(doc, (d) => void d.items.push(1));
  return { doc, base };
}

/** A chunk of `type` around `body`, with the checksum Automerge would write (type and length are one byte here). */
function sealedBody(type: number, body: Uint8Array): Uint8Array {
  const head = Uint8Array.of(type, body.length);
  const hash = sha256(new Uint8Array([...head, ...body]));
  return new Uint8Array([0x85, 0x6f, 0x4a, 0x83, ...hash.subarray(0, 4), ...head, ...body]);
}

describe('chunkStructure', () => {
  it('passes what Automerge writes: a whole document, and several change chunks one after the other', () => {
    const { doc, base } = history();
    expect(chunkStructure(A.save(doc))).toBe('ok');
    expect(chunkStructure(A.saveSince(doc, base))).toBe('ok');
    expect(chunkStructure(new Uint8Array([...A.save(doc), ...A.saveSince(doc, base)]))).toBe('ok');
  });

  it('refuses junk, nothing, a truncated chunk, trailing bytes and any flipped bit', () => {
    const { doc, base } = history();
    const changes = A.saveSince(doc, base);
    expect(chunkStructure(new TextEncoder().encode('not automerge'))).toBe('bad');
    expect(chunkStructure(new Uint8Array())).toBe('bad');
    expect(chunkStructure(changes.subarray(0, changes.length - 1))).toBe('bad');
    expect(chunkStructure(new Uint8Array([...changes, 0]))).toBe('bad');
    // every bit of a change chunk: magic, checksum, type, length or body. A type turned into one
    // it does not know is left to a full load, which refuses it; nothing flipped passes as it is.
    const one = A.getLastLocalChange(A.change(A.clone(doc), (d) => void d.items.push(2)))!;
    expect(chunkStructure(one)).toBe('ok');
    for (let i = 0; i < one.length * 8; i++) {
      const flipped = one.slice();
      flipped[i >> 3]! ^= 1 << (i & 7);
      const verdict = chunkStructure(flipped);
      expect(verdict, `bit ${i}`).not.toBe('ok');
      if (verdict === 'unknown') expect(() => A.loadIncremental(A.init(), flipped), `bit ${i}`).toThrow();
    }
  });

  it('leaves to a full load what it cannot vouch for: a compressed or unknown chunk type', () => {
    expect(chunkStructure(sealedBody(2, Uint8Array.of(1, 2, 3)))).toBe('unknown');
    expect(chunkStructure(sealedBody(9, Uint8Array.of(1, 2, 3)))).toBe('unknown');
  });

  it('passes a chunk whose checksum holds over a body Automerge cannot read: only a full load refuses it', () => {
    const forged = sealedBody(1, new TextEncoder().encode('not columns'));
    expect(chunkStructure(forged)).toBe('ok');
    expect(() => A.load(forged, { allowMissingChanges: true })).toThrow();
    expect(() => A.loadIncremental(A.init(), forged)).toThrow();
  });
});
