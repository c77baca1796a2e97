import { describe, expect, it } from 'vitest';
import { lexer, type Token } from 'marked';
import { BlockSplitter } from './blocks.ts';

const ANSWER = [
  'Intro paragraph with `code` and a [link][docs].',
  '',
  'Title',
  '=====',
  '',
  '- one',
  '- two',
  '',
  '- three (same loose list)',
  '',
  '```ts',
  'const x = 1;',
  '',
  'console.log(x);',
  '```',
  '',
  '| a | b |',
  '| --- | --- |',
  '| 1 | 2 |',
  '',
  '> quoted',
  '',
  'See [the docs][docs] again.',
  '',
  '[docs]: https://example.com/docs',
  '',
  'Last words.',
].join('\n');

/** What marked makes of the whole text at once, without the empty 'space' tokens. */
const shape = (tokens: readonly Token[]) => tokens.filter((t) => t.type !== 'space').map((t) => [t.type, t.raw.trimEnd()]);

function streamed(text: string, step: number): { splitter: BlockSplitter; last: ReturnType<BlockSplitter['split']> } {
  const splitter = new BlockSplitter();
  let last = splitter.split('');
  for (let n = step; n < text.length + step; n += step) last = splitter.split(text.slice(0, Math.min(n, text.length)));
  return { splitter, last };
}

describe('BlockSplitter', () => {
  it('covers the text exactly, in blocks', () => {
    const { blocks } = new BlockSplitter().split(ANSWER);
    expect(blocks.map((b) => b.raw).join('')).toBe(ANSWER);
  });

  it('streamed in small pieces, ends with the blocks of a one-shot lex', () => {
    for (const step of [1, 3, 7, 50]) {
      const { last } = streamed(ANSWER, step);
      expect(last.blocks.map((b) => b.raw).join('')).toBe(ANSWER);
      expect(shape(last.blocks.flatMap((b) => b.tokens))).toEqual(shape(lexer(ANSWER)));
    }
  });

  it('does not lex complete blocks again when text is appended', () => {
    const splitter = new BlockSplitter();
    const first = splitter.split('First paragraph.\n\nSecond');
    const second = splitter.split('First paragraph.\n\nSecond paragraph, longer.');
    expect(second.blocks[0]).toBe(first.blocks[0]);
    expect(second.blocks.at(-1)!.raw).toBe('Second paragraph, longer.');
  });

  it('keeps the growing block open: a paragraph can still become a heading or a table', () => {
    const splitter = new BlockSplitter();
    splitter.split('Intro.\n\nTitle\n');
    const heading = splitter.split('Intro.\n\nTitle\n===\n');
    expect(heading.blocks.map((b) => b.tokens[0]!.type).filter((t) => t !== 'space')).toEqual(['paragraph', 'heading']);
    splitter.split('Intro.\n\n| a | b |\n');
    const table = splitter.split('Intro.\n\n| a | b |\n| - | - |\n| 1 | 2 |');
    expect(table.blocks.map((b) => b.tokens[0]!.type).filter((t) => t !== 'space')).toEqual(['paragraph', 'table']);
  });

  it('starts over when the text is not an append (another message, an edit)', () => {
    const splitter = new BlockSplitter();
    splitter.split('Alpha.\n\nBeta.');
    const other = splitter.split('Gamma.\n\nDelta.');
    expect(other.blocks.map((b) => b.raw).join('')).toBe('Gamma.\n\nDelta.');
  });

  it('resolves reference links defined in an earlier, already complete block', () => {
    const text = '[docs]: https://example.com/docs\n\nIntro.\n\nSee [the docs][docs].';
    const { last } = streamed(text, 4);
    const paragraph = last.blocks.at(-1)!.tokens[0]! as Token & { tokens: Token[] };
    expect(paragraph.tokens.some((t) => t.type === 'link')).toBe(true);
  });

  it('normalises line endings', () => {
    const { blocks } = new BlockSplitter().split('One.\r\n\r\nTwo.');
    expect(blocks.map((b) => b.raw).join('')).toBe('One.\n\nTwo.');
  });
});
