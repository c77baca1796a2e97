import { getDefaults, Lexer, type Token, type TokensList } from 'marked';

/*
 * Splits Markdown into top-level blocks (paragraphs, lists, code blocks, tables…), so that a
 * growing answer is rendered block by block: every block but the last is complete once another
 * block follows it, and its HTML never changes again. Only the last block (the one text is
 * being appended to) is lexed and rendered again on each update, so a streamed answer costs
 * O(new text) per frame instead of O(whole answer).
 *
 * Appending can still change the last block (a paragraph becomes a setext heading or a table,
 * a list gains an item, a code fence closes), which is why lexing restarts at its start.
 * Reference-style link definitions found in earlier blocks are carried over to later lexes.
 */

export interface Block {
  /** the Markdown source of the block (identical source renders identically, given `links`) */
  raw: string;
  tokens: Token[];
}

export interface Split {
  blocks: Block[];
  /** link definitions seen so far (marked resolves `[text][ref]` while lexing) */
  links: TokensList['links'];
}

const LEX_OPTIONS = { ...getDefaults(), gfm: true, breaks: false };

const normalise = (text: string) => text.replace(/\r\n?/g, '\n');

export class BlockSplitter {
  private text = '';
  /** complete blocks, and where the source after them starts */
  private stable: Block[] = [];
  private stableEnd = 0;
  private links: TokensList['links'] = Object.create(null) as TokensList['links'];

  split(input: string): Split {
    const text = normalise(input);
    // anything but an append (another message, an edit, an outlet rewriting the text) starts over
    if (!text.startsWith(this.text)) this.reset();
    this.text = text;

    const lexer = new Lexer(LEX_OPTIONS);
    Object.assign(lexer.tokens.links, this.links);
    const src = text.slice(this.stableEnd);
    const tokens = lexer.lex(src);
    Object.assign(this.links, lexer.tokens.links);

    // the last block with content may still grow; everything before it is final
    let last = tokens.length - 1;
    while (last >= 0 && tokens[last]!.type === 'space') last--;
    let offset = 0;
    let complete = 0;
    for (let i = 0; i < last; i++) {
      const raw = tokens[i]!.raw;
      // the source must be covered exactly by the tokens to resume lexing after them
      if (src.slice(offset, offset + raw.length) !== raw) break;
      offset += raw.length;
      complete = i + 1;
    }
    for (const t of tokens.slice(0, complete)) this.stable.push({ raw: t.raw, tokens: [t] });
    this.stableEnd += offset;
    const growing = tokens.slice(complete).map((t) => ({ raw: t.raw, tokens: [t] }));
    return { blocks: [...this.stable, ...growing], links: this.links };
  }

  private reset(): void {
    this.stable = [];
    this.stableEnd = 0;
    this.links = Object.create(null) as TokensList['links'];
  }
}
