/*
 * A large code block is shown as a run of line chunks, so that its text can be appended while
 * it streams and its highlighting (done in a worker) applied one chunk per slice of main-thread
 * time. Pure functions, shared by the page and the highlighting worker.
 *
 * Invariants:
 * - `chunkCode(code).join('') === code`; every chunk but the last ends with '\n'.
 * - Prefix-stable: chunking is greedy from the start, and a chunk ends at the first line end
 *   once it holds CHUNK_LINES lines or CHUNK_CHARS characters, so every chunk of a prefix but
 *   its last is also a chunk of any longer text; and chunking restarts identically at any chunk
 *   boundary (`chunkCode(code.slice(boundary))` gives the chunks after it).
 */

export const CHUNK_LINES = 80;
export const CHUNK_CHARS = 4_000;

export function chunkCode(code: string): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < code.length) {
    let end = start;
    let lines = 0;
    for (;;) {
      const nl = code.indexOf('\n', end);
      if (nl === -1) {
        end = code.length;
        break;
      }
      end = nl + 1;
      lines++;
      if (lines >= CHUNK_LINES || end - start >= CHUNK_CHARS) break;
    }
    out.push(code.slice(start, end));
    start = end;
  }
  return out;
}

const TAG = /<span class="([^"]*)">|<\/span>/g;

/**
 * Cuts highlight.js's HTML of a whole code block into the pieces showing each chunk of `chunks`
 * (the block's `chunkCode`), each piece balanced: spans open at a cut (a comment or string over
 * several lines) are closed at its end and opened again at the next piece's start. highlight.js
 * escapes text and writes only `<span class="…">` and `</span>`, and leaves line ends as they
 * are, so a chunk's lines end at the same '\n's in the HTML. Null when they do not match.
 */
export function splitHighlighted(html: string, chunks: readonly string[]): string[] | null {
  const out: string[] = [];
  const open: string[] = [];
  let pos = 0;
  for (const chunk of chunks) {
    let lines = 0;
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) lines++;
    const last = out.length === chunks.length - 1;
    // the end of this chunk's piece: after its `lines`-th line end (the last piece takes the rest)
    let end = pos;
    if (last) end = html.length;
    else {
      for (let n = 0; n < lines; n++) {
        const nl = html.indexOf('\n', end);
        if (nl === -1) return null;
        end = nl + 1;
      }
    }
    const body = html.slice(pos, end);
    const reopened = open.map((cls) => `<span class="${cls}">`).join('');
    TAG.lastIndex = 0;
    for (let m = TAG.exec(body); m; m = TAG.exec(body)) {
      if (m[1] !== undefined) open.push(m[1]);
      else if (open.pop() === undefined) return null;
    }
    out.push(reopened + body + '</span>'.repeat(open.length));
    pos = end;
  }
  return out;
}
