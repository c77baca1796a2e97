import { chunkCode } from './code-chunks.ts';
import { highlightInWorker, type Highlighted } from './highlight-client.ts';

/*
 * A large code block as live DOM rather than one HTML string: its text, cut into line chunks
 * (code-chunks.ts), is set with textContent (nothing to sanitise); text appended while it streams
 * touches only the last chunk and adds new ones, so a frame costs O(new text), not O(block).
 * Once the block is settled (fence closed, or followed by another block), it is highlighted whole
 * in a worker, and the highlighted chunks replace the plain ones a few per slice of main-thread
 * time. Highlighted HTML still goes through the page's sanitiser, and a chunk is replaced only if
 * its text is exactly the text shown: whatever fails, the code stays there as plain text.
 */

/** The main-thread time one slice of applying highlighted chunks may take. */
const SLICE_MS = 8;

export interface CodeBlockView {
  /** the nodes to insert, in order */
  nodes: readonly Node[];
  /** the text after ``` it was created for (its language and label): another needs a new view */
  readonly info: string;
  /** Show `code`; false when it is not an append to what is shown (the caller makes a new view). */
  update(code: string, settled: boolean): boolean;
  dispose(): void;
}

export interface CodeBlockOptions {
  /** the text after ``` */
  info: string;
  /** canonical highlight.js language, or null (shown plain) */
  lang: string | null;
  label: string;
  sanitize: (html: string) => string;
  /** highlighted chunks of settled blocks, by language and code, shared by views (a message scrolled back) */
  cache: Map<string, Highlighted>;
}

const CACHE_MAX = 8;

export function makeCodeBlockView(code: string, settled: boolean, opts: CodeBlockOptions): CodeBlockView {
  const root = document.createElement('div');
  root.className = 'code-block';
  const head = document.createElement('div');
  head.className = 'code-head';
  const label = document.createElement('span');
  label.className = 'code-lang';
  label.textContent = opts.label;
  head.append(label);
  const pre = document.createElement('pre');
  const codeEl = document.createElement('code');
  codeEl.className = opts.lang ? `hljs language-${opts.lang}` : 'hljs';
  pre.append(codeEl);
  root.append(head, pre);

  /** what each chunk element shows; `highlighted` once its plain text was replaced */
  const chunks: Array<{ el: HTMLElement; text: string; highlighted: boolean }> = [];
  let shown = '';
  let disposed = false;
  /** the code a highlight was asked for (at most one per settled text) */
  let asked: string | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const template = document.createElement('template');

  /** lines a chunk shows, for the height it takes before it is first laid out (chat.css) */
  const setLines = (el: HTMLElement, text: string) => {
    let n = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) n++;
    el.style.setProperty('--lines', String(n + 1));
  };
  const addChunk = (text: string) => {
    const el = document.createElement('span');
    el.className = 'code-chunk';
    el.textContent = text;
    setLines(el, text);
    codeEl.append(el);
    chunks.push({ el, text, highlighted: false });
  };

  const setCode = (next: string) => {
    // re-chunk from the last chunk's start: earlier chunks are final (prefix-stable chunking)
    const last = chunks.at(-1);
    const from = last ? shown.length - last.text.length : 0;
    const tail = chunkCode(next.slice(from));
    if (last) {
      const first = tail.shift() ?? '';
      if (first !== last.text) {
        // appended text: one text node grows (highlighted spans, if any, give way to plain text)
        if (!last.highlighted && first.startsWith(last.text) && last.el.firstChild instanceof Text) last.el.firstChild.appendData(first.slice(last.text.length));
        else last.el.textContent = first;
        last.text = first;
        last.highlighted = false;
        setLines(last.el, first);
      }
    }
    for (const text of tail) addChunk(text);
    shown = next;
  };

  /** Replaces plain chunks by highlighted ones, a slice at a time, while the text is the one highlighted. */
  const apply = (h: Highlighted, forCode: string) => {
    let i = 0;
    const step = () => {
      timer = undefined;
      if (disposed || shown !== forCode) return;
      const start = performance.now();
      for (; i < chunks.length && i < h.texts.length; i++) {
        const chunk = chunks[i]!;
        if (chunk.highlighted || chunk.text !== h.texts[i]) continue;
        template.innerHTML = opts.sanitize(h.html[i]!);
        // never show anything but the code's own text
        if (template.content.textContent !== chunk.text) continue;
        chunk.el.replaceChildren(template.content);
        chunk.highlighted = true;
        if (performance.now() - start > SLICE_MS) {
          i++;
          timer = setTimeout(step, 0);
          return;
        }
      }
    };
    step();
  };

  const highlight = () => {
    if (!opts.lang || asked === shown) return;
    const forCode = shown;
    asked = forCode;
    const key = `${opts.lang}\u0000${forCode}`;
    const hit = opts.cache.get(key);
    if (hit) return apply(hit, forCode);
    void highlightInWorker(forCode, opts.lang).then((h) => {
      if (!h) return;
      opts.cache.set(key, h);
      if (opts.cache.size > CACHE_MAX) opts.cache.delete(opts.cache.keys().next().value!);
      apply(h, forCode);
    });
  };

  setCode(code);
  if (settled) highlight();

  return {
    nodes: [root],
    info: opts.info,
    update(next, nowSettled) {
      if (next !== shown) {
        if (!next.startsWith(shown)) return false;
        setCode(next);
      }
      if (nowSettled) highlight();
      return true;
    },
    dispose() {
      disposed = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
