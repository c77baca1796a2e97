import { describe, expect, it } from 'vitest';
import { decodeClientFrame, decodeRelayFrame, encodeFrame, entryBodies, PART_BYTES } from './protocol.ts';
import { decodeKey, encodeKey, newChunkId, newWorkspaceKey, openChunk, sealChunk, SEAL_OVERHEAD } from './chunk-crypto.ts';

const DOC = '2mBWwmhpdR8pfhE7C3L5p4EBcCAZ';

describe('relay protocol frames', () => {
  it('round-trips a put part and rejects what does not fit the schema', () => {
    const body = new Uint8Array([1, 2, 3]);
    const f = encodeFrame({ t: 'put', id: 7, doc: DOC, chunk: newChunkId(), kind: 'change', size: 3, offset: 0 }, body);
    const r = decodeClientFrame(f);
    expect(r.ok && r.frame.header.t === 'put' && [...r.frame.body]).toEqual([1, 2, 3]);
    expect(decodeClientFrame(new Uint8Array([2, 0, 0, 0, 2, 0x7b, 0x7d])).ok).toBe(false);
    expect(decodeClientFrame(new TextEncoder().encode('hello')).ok).toBe(false);
    const past = encodeFrame({ t: 'put', id: 1, doc: DOC, chunk: newChunkId(), kind: 'change', size: 2, offset: 0 }, body);
    expect(decodeClientFrame(past)).toEqual({ ok: false, reason: 'part past the chunk size' });
    const bad = encodeFrame({ t: 'put', id: 1, doc: '../../etc', chunk: newChunkId(), kind: 'change', size: 3, offset: 0 } as never, body);
    expect(decodeClientFrame(bad).ok).toBe(false);
  });

  it('splits an entries frame into its entries', () => {
    const a = new Uint8Array([9, 9]);
    const b = new Uint8Array([8]);
    const entries = [
      { seq: 1, doc: DOC, chunk: newChunkId(), kind: 'change' as const, size: 2, offset: 0, len: 2 },
      { seq: 2, doc: DOC, chunk: newChunkId(), kind: 'snapshot' as const, size: PART_BYTES + 1, offset: PART_BYTES, len: 1 },
    ];
    const r = decodeRelayFrame(encodeFrame({ t: 'entries', entries }, [a, b]));
    if (!r.ok || r.frame.header.t !== 'entries') throw new Error('not decoded');
    expect(entryBodies(r.frame as never).map((x) => [...x])).toEqual([[9, 9], [8]]);
    expect(decodeRelayFrame(encodeFrame({ t: 'entries', entries }, [a])).ok).toBe(false);
  });
});

describe('chunk encryption', () => {
  it('opens only with the same key, document, chunk id and kind', () => {
    const key = newWorkspaceKey();
    const chunk = newChunkId();
    const plain = new TextEncoder().encode('a private prompt');
    const sealed = sealChunk(key, DOC, chunk, 'change', plain);
    expect(sealed.length).toBe(plain.length + SEAL_OVERHEAD);
    expect(new TextDecoder().decode(openChunk(key, DOC, chunk, 'change', sealed)!)).toBe('a private prompt');
    expect(openChunk(newWorkspaceKey(), DOC, chunk, 'change', sealed)).toBeNull();
    expect(openChunk(key, '3mBWwmhpdR8pfhE7C3L5p4EBcCAZ', chunk, 'change', sealed)).toBeNull();
    expect(openChunk(key, DOC, newChunkId(), 'change', sealed)).toBeNull();
    expect(openChunk(key, DOC, chunk, 'snapshot', sealed)).toBeNull();
    const flipped = sealed.slice();
    flipped[30] = flipped[30]! ^ 1;
    expect(openChunk(key, DOC, chunk, 'change', flipped)).toBeNull();
  });

  it('carries the key in a link as base64url and derives the same ids from it', () => {
    const key = newWorkspaceKey();
    const back = decodeKey(encodeKey(key))!;
    expect(back.keyId).toBe(key.keyId);
    expect(back.fingerprint).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
    expect(back.fingerprint).toBe(key.fingerprint);
    expect(decodeKey('short')).toBeNull();
    expect(decodeKey('!!')).toBeNull();
  });
});
