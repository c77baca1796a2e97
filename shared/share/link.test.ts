import { describe, expect, it } from 'vitest';
import { deflateSync, strToU8 } from 'fflate';
import { decodeBase64Url, encodeBase64Url } from './base64url.ts';
import { decodeSharePayload, encodeSharePayload } from './link.ts';
import { parseOpenWebUIImport } from '../openwebui/codec.ts';

const element = {
  id: 'sql-tutor',
  base_model_id: 'qwen2.5:7b',
  name: 'SQL Tutor — élève 🚀',
  params: { system: 'You are a patient SQL tutor.', temperature: 0.3, stop: ['<|im_end|>'] },
  meta: { description: 'Explains SQL.', tags: [{ name: 'sql' }], suggestion_prompts: [{ content: 'Hi', title: ['A', 'B'] }] },
  is_active: true,
  created_at: 1753500000,
  updated_at: 1753600000,
};

describe('base64url', () => {
  it('round-trips every length and byte value', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n) & 0xff);
      const text = encodeBase64Url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodeBase64Url(text)).toEqual(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
    }
  });
  it('refuses other characters and impossible lengths', () => {
    expect(decodeBase64Url('ab+c')).toBeNull();
    expect(decodeBase64Url('abcde')).toBeNull();
    expect(decodeBase64Url('ab c')).toBeNull();
    expect(decodeBase64Url('é')).toBeNull();
    expect(decodeBase64Url('QQ==')).toEqual(new Uint8Array([65]));
  });
});

describe('share link', () => {
  it('round-trips an element, with or without the #', () => {
    const fragment = encodeSharePayload(element);
    expect(fragment).toMatch(/^[A-Za-z0-9_-]+$/);
    const r = decodeSharePayload('#' + fragment);
    expect(r).toEqual({ ok: true, text: JSON.stringify(element) });
    expect(decodeSharePayload(fragment)).toEqual(r);
  });

  it('feeds parseOpenWebUIImport', () => {
    const r = decodeSharePayload(encodeSharePayload(element));
    if (!r.ok) throw new Error();
    const imp = parseOpenWebUIImport(r.text);
    expect(imp.ok && imp.items.map((i) => [i.slug, i.name, i.params])).toEqual([
      ['sql-tutor', 'SQL Tutor — élève 🚀', { temperature: 0.3, stop: ['<|im_end|>'] }],
    ]);
  });

  it('round-trips a large element (avatar inside)', () => {
    const big = { ...element, meta: { ...element.meta, profile_image_url: 'data:image/webp;base64,' + 'QUJD'.repeat(50_000) } };
    const r = decodeSharePayload(encodeSharePayload(big));
    expect(r).toEqual({ ok: true, text: JSON.stringify(big) });
  });

  it('refuses empty, bad base64, non-deflate data and bad text', () => {
    expect(decodeSharePayload('')).toEqual({ ok: false, error: { code: 'share-empty' } });
    expect(decodeSharePayload('#')).toEqual({ ok: false, error: { code: 'share-empty' } });
    expect(decodeSharePayload('abc$def')).toEqual({ ok: false, error: { code: 'share-bad-base64' } });
    expect(decodeSharePayload('A')).toEqual({ ok: false, error: { code: 'share-bad-base64' } });
    expect(decodeSharePayload(encodeBase64Url(strToU8('plain text, not deflate at all')))).toEqual({
      ok: false,
      error: { code: 'share-inflate-failed' },
    });
    const truncated = deflateSync(strToU8(JSON.stringify(element)));
    expect(decodeSharePayload(encodeBase64Url(truncated.subarray(0, truncated.length - 4)))).toEqual({
      ok: false,
      error: { code: 'share-inflate-failed' },
    });
    expect(decodeSharePayload(encodeBase64Url(deflateSync(new Uint8Array([0xff, 0xfe, 0xc0]))))).toEqual({
      ok: false,
      error: { code: 'share-bad-text' },
    });
  });

  it('refuses a zip bomb without inflating it whole', () => {
    // 64 MB of zeros deflate to ~64 KB
    const bomb = deflateSync(new Uint8Array(64_000_000), { level: 9 });
    const fragment = encodeBase64Url(bomb);
    const before = process.memoryUsage().arrayBuffers;
    const r = decodeSharePayload(fragment);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(r).toEqual({ ok: false, error: { code: 'share-too-large', maxBytes: 2_000_000 } });
    expect(grown).toBeLessThan(16_000_000);
  });

  it('applies the cap given, and refuses an oversized fragment before decoding', () => {
    const text = JSON.stringify(element);
    const bytes = new TextEncoder().encode(text).length;
    const fragment = encodeSharePayload(element);
    expect(decodeSharePayload(fragment, bytes)).toEqual({ ok: true, text });
    expect(decodeSharePayload(fragment, bytes - 1)).toEqual({
      ok: false,
      error: { code: 'share-too-large', maxBytes: bytes - 1 },
    });
    expect(decodeSharePayload('A'.repeat(4000), 1000)).toEqual({ ok: false, error: { code: 'share-too-large', maxBytes: 1000 } });
  });
});
