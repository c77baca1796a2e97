import { describe, expect, it } from 'vitest';
import { referencedUrls } from './references.ts';

describe('referencedUrls', () => {
  it('finds document URLs anywhere in a document, and nothing else', () => {
    const a = 'automerge:4PnAd7B72rid7iqZEf4GRqiGj3Xf';
    const b = 'automerge:2j9knpCseyhnK8izDmLpGP5WMdZQ';
    const doc = {
      avatar: a,
      knowledge: { k1: { url: b, name: 'x' } },
      messages: { m: { images: [a], content: 'see automerge:notaurl and automerge:' } },
      data: new Uint8Array([1, 2]),
      n: 3,
      nothing: null,
    };
    expect([...referencedUrls(doc)].sort()).toEqual([a, b].sort());
  });

  it('stops at a bounded depth', () => {
    let deep: Record<string, unknown> = { url: 'automerge:4PnAd7B72rid7iqZEf4GRqiGj3Xf' };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    expect(referencedUrls(deep).size).toBe(0);
  });
});
