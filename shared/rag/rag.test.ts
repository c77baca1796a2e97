import { describe, expect, it } from 'vitest';
import { chunkText, splitMarkdownSections, splitWindows } from './chunk.ts';
import { cosine } from './retrieve.ts';
import { DEFAULT_RAG_TEMPLATE, fillTemplate } from './template.ts';
import { documentsSettings } from './settings.ts';
import { sha256Hex } from './hash.ts';

describe('chunking', () => {
  it('splits Markdown on headings first, keeping the heading path', () => {
    const md = '# Guide\nIntro text.\n## Install\nRun npm install.\n## Use\nRun it.\n```\n# not a heading\n```\n';
    const sections = splitMarkdownSections(md);
    expect(sections.map((s) => s.heading)).toEqual(['Guide', 'Guide › Install', 'Guide › Use']);
    expect(sections[2]!.body).toContain('# not a heading');
    const chunks = chunkText(md);
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toEqual({ text: '## Install\nRun npm install.', heading: 'Guide › Install' });
  });

  it('cuts long text into windows no longer than the size, with the overlap repeated', () => {
    const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const parts = splitWindows(words, { size: 200, overlap: 40 });
    expect(parts.length).toBeGreaterThan(10);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(200);
    // consecutive windows share text, and no word is cut in half
    for (let i = 1; i < parts.length; i++) {
      const lastWordOfPrev = parts[i - 1]!.split(' ').at(-1)!;
      expect(parts[i]).toContain(lastWordOfPrev);
      expect(parts[i]!.split(' ')[0]).toMatch(/^word\d+$/);
    }
    // everything is covered
    const all = new Set(parts.flatMap((p) => p.split(' ')));
    expect(all.size).toBe(400);
  });

  it('prefers paragraph boundaries and uses the defaults 1000/100', () => {
    const para = 'A'.repeat(600) + '\n\n' + 'B'.repeat(600);
    const parts = chunkText(para, undefined, false);
    expect(parts[0]!.text).toBe('A'.repeat(600));
    expect(parts.at(-1)!.text.endsWith('B')).toBe(true);
    expect(chunkText('', undefined)).toEqual([]);
  });
});

describe('retrieval ranking', () => {
  // a tiny known corpus with hand-made vectors over the "topics" [cats, dogs, finance, cooking]
  const corpus = [
    { text: 'Cats purr and sleep a lot.', v: [1, 0, 0, 0] },
    { text: 'Dogs bark and fetch.', v: [0, 1, 0, 0] },
    { text: 'Interest rates and bonds.', v: [0, 0, 1, 0] },
    { text: 'Cats and dogs as pets.', v: [0.7, 0.7, 0, 0] },
    { text: 'Baking bread.', v: [0, 0, 0, 1] },
  ];
  it('ranks by cosine similarity, best first', () => {
    const query = [0.9, 0.3, 0, 0.1]; // mostly about cats
    const ranked = corpus.map((c) => ({ text: c.text, score: cosine(query, c.v) })).sort((a, b) => b.score - a.score);
    expect(ranked.slice(0, 3).map((r) => r.text)).toEqual(['Cats purr and sleep a lot.', 'Cats and dogs as pets.', 'Dogs bark and fetch.']);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
  });
  it('is scale-invariant and handles zero vectors', () => {
    expect(cosine([2, 0], [5, 0])).toBeCloseTo(1);
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });
});

describe('template filling', () => {
  it('inserts numbered sources and the query', () => {
    const out = fillTemplate('Context:\n{{CONTEXT}}\nQ: {{QUERY}}', [
      { n: 1, name: 'a.md', text: 'Alpha' },
      { n: 2, name: 'b "x".md', text: 'Beta {{QUERY}}' },
    ], 'What?');
    expect(out).toBe('Context:\n<source id="1" name="a.md">\nAlpha\n</source>\n<source id="2" name="b &quot;x&quot;.md">\nBeta {{QUERY}}\n</source>\nQ: What?');
  });
  it('adds missing placeholders and falls back to the default template', () => {
    expect(fillTemplate('Use this.', [{ n: 1, name: 'a', text: 'T' }], 'Q')).toBe('<context>\n<source id="1" name="a">\nT\n</source>\n</context>\n\nUse this.\n\nQ');
    const def = fillTemplate('', [], 'Hello');
    expect(def).toContain('<user_query>\nHello\n</user_query>');
    expect(DEFAULT_RAG_TEMPLATE).toContain('{{CONTEXT}}');
  });
  it('settings default to 1000/100/3 and clamp bad values', () => {
    expect(documentsSettings(undefined)).toMatchObject({ chunkSize: 1000, chunkOverlap: 100, topK: 3, embeddingModel: '' });
    expect(documentsSettings({ documents: { embeddingModel: 'm', chunkSize: 200, chunkOverlap: 500, topK: 0, template: ' ' } })).toMatchObject({ chunkSize: 200, chunkOverlap: 100, topK: 1, template: DEFAULT_RAG_TEMPLATE });
  });
  it('hashes content', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('hashes without WebCrypto, as on a plain-http LAN page (no crypto.subtle there, nor in its workers)', async () => {
    const subtle = Object.getOwnPropertyDescriptor(globalThis.crypto, 'subtle');
    Object.defineProperty(globalThis.crypto, 'subtle', { value: undefined, configurable: true });
    try {
      expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
      expect(await sha256Hex(new Uint8Array([0x61, 0x62, 0x63]))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    } finally {
      if (subtle) Object.defineProperty(globalThis.crypto, 'subtle', subtle);
      else delete (globalThis.crypto as { subtle?: unknown }).subtle;
    }
  });
});
