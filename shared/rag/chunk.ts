/*
 * Splitting a document into passages for retrieval: Markdown headings first (each section
 * keeps its heading path, so a passage knows where it came from), then windows of at most
 * `size` characters with `overlap` characters repeated between neighbours, cut at a
 * paragraph, line, sentence or word boundary when one is near the end of the window.
 */

export interface ChunkOptions {
  size: number;
  overlap: number;
}

export interface Chunk {
  text: string;
  /** heading path ("Setup › Install") when the document is Markdown with headings, else '' */
  heading: string;
}

export const DEFAULT_CHUNK: ChunkOptions = { size: 1000, overlap: 100 };

interface Section {
  heading: string;
  body: string;
}

/** Split on ATX headings (`#` … `######`), outside fenced code blocks. */
export function splitMarkdownSections(text: string): Section[] {
  const lines = text.split(/\r?\n/);
  const sections: Section[] = [];
  const path: string[] = [];
  let current: string[] = [];
  let heading = '';
  let fence = false;
  const flush = () => {
    const body = current.join('\n').trim();
    if (body) sections.push({ heading, body });
    current = [];
  };
  for (const line of lines) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const m = fence ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) {
      flush();
      const level = m[1]!.length;
      path.length = level - 1;
      path[level - 1] = m[2]!;
      heading = path.filter(Boolean).join(' › ');
      current.push(line);
    } else current.push(line);
  }
  flush();
  return sections;
}

const BOUNDARIES = [/\n\s*\n/g, /\n/g, /[.!?。]\s/g, /\s/g];

/** The best place to cut `text` at or before `max`, not before `min`. */
function cutPoint(text: string, min: number, max: number): number {
  if (text.length <= max) return text.length;
  const window = text.slice(0, max);
  for (const re of BOUNDARIES) {
    let best = -1;
    for (const m of window.matchAll(re)) {
      const end = m.index + m[0].length;
      if (end >= min && end <= max) best = end;
    }
    if (best > 0) return best;
  }
  return max;
}

/** Windows of at most `size` characters, consecutive ones sharing about `overlap` characters. */
export function splitWindows(text: string, { size, overlap }: ChunkOptions): string[] {
  const s = Math.max(50, Math.floor(size));
  const o = Math.max(0, Math.min(Math.floor(overlap), Math.floor(s / 2)));
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    const rest = text.slice(start);
    const cut = cutPoint(rest, Math.floor(s / 2), s);
    const piece = rest.slice(0, cut).trim();
    if (piece) out.push(piece);
    if (start + cut >= text.length) break;
    let next = start + cut - o;
    if (o > 0) {
      // start the overlap at a word boundary
      const ws = text.slice(next, start + cut).search(/\s/);
      if (ws >= 0 && next + ws + 1 < start + cut) next = next + ws + 1;
    }
    start = Math.max(next, start + 1);
  }
  return out;
}

/** Chunks of a document; `markdown` splits on headings first. */
export function chunkText(text: string, opts: ChunkOptions = DEFAULT_CHUNK, markdown = true): Chunk[] {
  const sections = markdown ? splitMarkdownSections(text) : [{ heading: '', body: text.trim() }];
  const out: Chunk[] = [];
  for (const sec of sections) {
    for (const piece of splitWindows(sec.body, opts)) out.push({ text: piece, heading: sec.heading });
  }
  return out;
}
