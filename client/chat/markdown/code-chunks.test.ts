import { describe, expect, it } from 'vitest';
import hljs from 'highlight.js/lib/core';
import typescript from 'highlight.js/lib/languages/typescript';
import { CHUNK_LINES, chunkCode, splitHighlighted } from './code-chunks.ts';
import { fenceClosed } from './render.ts';

hljs.registerLanguage('typescript', typescript);

const lines = (n: number, at = 0) => Array.from({ length: n }, (_, i) => `const v${i + at} = "line ${i + at}";`).join('\n');
/** text content of highlight.js HTML (it escapes &, <, >, ", ') */
const textOf = (html: string) =>
  html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, '&');

describe('chunkCode', () => {
  it('covers the code exactly, every chunk but the last ending a line', () => {
    const code = lines(500) + '\nlast line without end';
    const chunks = chunkCode(code);
    expect(chunks.join('')).toBe(code);
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks.slice(0, -1)) expect(c.endsWith('\n')).toBe(true);
    expect(chunks[0]!.split('\n').length - 1).toBe(CHUNK_LINES);
  });

  it('cuts a very long line-less text into one chunk (never inside a line), and long lines into smaller chunks', () => {
    expect(chunkCode('x'.repeat(20_000))).toEqual(['x'.repeat(20_000)]);
    const long = Array.from({ length: 10 }, () => 'y'.repeat(3_000)).join('\n');
    expect(chunkCode(long).every((c) => c.split('\n').filter(Boolean).length <= 2)).toBe(true);
  });

  it('is prefix-stable: a prefix\'s complete chunks are chunks of the whole text', () => {
    const code = lines(1000);
    const whole = chunkCode(code);
    for (const cut of [1, 999, 4_321, 17_000, code.length - 1]) {
      const part = chunkCode(code.slice(0, cut));
      expect(part.slice(0, -1)).toEqual(whole.slice(0, part.length - 1));
      // and chunking restarts identically at a chunk boundary
      const boundary = whole.slice(0, 3).join('').length;
      expect(chunkCode(code.slice(boundary))).toEqual(whole.slice(3));
    }
  });
});

describe('splitHighlighted', () => {
  it('gives each chunk balanced HTML whose text is exactly the chunk, spans over a cut closed and reopened', () => {
    // a comment and a template string spanning many lines, across chunk cuts
    const code = `${lines(70)}\n/* a comment\n${lines(30, 100)}\n*/\nconst s = \`\n${lines(120, 200)}\n\`;\n${lines(100, 400)}`;
    const texts = chunkCode(code);
    const html = splitHighlighted(hljs.highlight(code, { language: 'typescript', ignoreIllegals: true }).value, texts);
    expect(html).not.toBeNull();
    expect(html!.length).toBe(texts.length);
    html!.forEach((h, i) => {
      expect(textOf(h)).toBe(texts[i]);
      expect((h.match(/<span /g) ?? []).length).toBe((h.match(/<\/span>/g) ?? []).length);
    });
    // the second chunk starts inside the comment: its first piece is a comment span
    expect(html![1]!.startsWith('<span class="hljs-comment">')).toBe(true);
  });

  it('refuses HTML whose lines do not match the chunks', () => {
    expect(splitHighlighted('one line', chunkCode(lines(200)))).toBeNull();
  });
});

describe('fenceClosed', () => {
  it('tells an open fence from a closed one', () => {
    expect(fenceClosed('```ts\nconst a = 1;\n')).toBe(false);
    expect(fenceClosed('```ts\nconst a = 1;\n```')).toBe(true);
    expect(fenceClosed('```ts\nconst a = 1;\n```\n')).toBe(true);
    expect(fenceClosed('````\n```\n')).toBe(false);
    expect(fenceClosed('~~~\nx\n```')).toBe(false);
    expect(fenceClosed('```')).toBe(false);
  });
});
