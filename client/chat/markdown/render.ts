import { Marked, type Tokens, type TokensList } from 'marked';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import { canonicalLanguage, languageLoader } from './languages.ts';
import { BlockSplitter, type Block, type Split } from './blocks.ts';
import { makeCodeBlockView, type CodeBlockView } from './code-view.ts';
import type { Highlighted } from './highlight-client.ts';

/*
 * Markdown of a model's answer → safe HTML. Loaded lazily with the first answer shown.
 * - Raw HTML written by the model is shown as text, never interpreted; everything marked
 *   produces then goes through DOMPurify anyway (no script, no event handler, no style).
 * - Pictures a model links to are shown as links, not loaded: loading them would let a
 *   prompt-injected answer send conversation content to any server inside an image URL.
 * - Code blocks are highlighted when their language is loaded; a language is fetched on
 *   first use and the views showing Markdown render again.
 * - Rendered block by block (blocks.ts) with a cache of each block's HTML, so a streamed
 *   answer re-renders only its growing end, and a message scrolled back into view costs no
 *   parse at all.
 * - A large code block (LARGE_CODE_CHARS and over) is not one HTML string but a live view
 *   (code-view.ts): plain text by line chunks, appended to while it streams, highlighted in a
 *   worker once settled and swapped in chunk by chunk, so no task grows with the block's size.
 */

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const registered = new Set<string>();
const pending = new Map<string, Promise<void>>();
/** views to render again when a language arrives */
const languageListeners = new Set<() => void>();

function requestLanguage(name: string): void {
  if (pending.has(name)) return;
  const loader = languageLoader(name);
  if (!loader) return;
  pending.set(
    name,
    loader()
      .then((mod) => {
        hljs.registerLanguage(name, mod.default);
        registered.add(name);
      })
      .catch(() => {
        // offline and not cached: stays unhighlighted
      })
      .finally(() => {
        // blocks rendered without the language are cached: forget them all (a rare event)
        htmlCache.clear();
        for (const listener of [...languageListeners]) listener();
      }),
  );
}

/** From this many characters, a code block is shown by a code view (highlighted off the main thread). */
export const LARGE_CODE_CHARS = 3_000;

const codeText = (t: Tokens.Code) => t.text.replace(/\n$/, '');
const codeLabel = (lang: string | undefined) => (lang ?? '').trim().split(/\s+/)[0] ?? '';

/** The block's code token when it is a large code block. */
function largeCode(block: Block): Tokens.Code | null {
  const t = block.tokens[0];
  return block.tokens.length === 1 && t?.type === 'code' && (t as Tokens.Code).text.length >= LARGE_CODE_CHARS ? (t as Tokens.Code) : null;
}

/** Whether a fenced block's closing fence is there (nothing more can be appended to its code). */
export function fenceClosed(raw: string): boolean {
  const open = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
  if (!open) return false;
  const body = raw.replace(/\n+$/, '');
  const nl = body.lastIndexOf('\n');
  if (nl === -1) return false;
  const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(body.slice(nl + 1));
  return close !== null && close[1]![0] === open[1]![0] && close[1]!.length >= open[1]!.length;
}

function highlighted(code: string, lang: string | null): string {
  if (lang && registered.has(lang)) {
    try {
      return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
    } catch {
      return escapeHtml(code);
    }
  }
  if (lang) requestLanguage(lang);
  return escapeHtml(code);
}

/** One instance for every render (building a Marked per call costs more than a small block). */
const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code({ text, lang }: Tokens.Code) {
      const name = canonicalLanguage(lang);
      const label = codeLabel(lang);
      const cls = name ? ` language-${name}` : '';
      return (
        `<div class="code-block"><div class="code-head"><span class="code-lang">${escapeHtml(label)}</span></div>` +
        `<pre><code class="hljs${cls}">${highlighted(text.replace(/\n$/, ''), name)}</code></pre></div>\n`
      );
    },
    html({ text }: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(text);
    },
    image({ href, text }: Tokens.Image) {
      return `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`;
    },
    // A task (`- [ ]` / `- [x]`): a disabled checkbox labelled by the item's first line, so it
    // shows its state and has an accessible name. Tight items hold [checkbox, text, …blocks];
    // loose ones hold the checkbox at the start of their first paragraph.
    listitem(item: Tokens.ListItem) {
      if (!item.task) return false;
      const box = `<input type="checkbox" disabled${item.checked ? ' checked' : ''}>`;
      const [first, ...rest] = item.tokens;
      if (first?.type === 'checkbox') {
        const [line, ...more] = rest;
        if (line?.type !== 'text') return `<li class="task-item"><label>${box}</label>${this.parser.parse(rest)}</li>\n`;
        return `<li class="task-item"><label>${box} ${this.parser.parse([line])}</label>${this.parser.parse(more)}</li>\n`;
      }
      if (first?.type === 'paragraph') {
        const inline = (first as Tokens.Paragraph).tokens;
        if (inline[0]?.type === 'checkbox') {
          return `<li class="task-item"><p><label>${box} ${this.parser.parseInline(inline.slice(1))}</label></p>${this.parser.parse(rest)}</li>\n`;
        }
      }
      return false;
    },
  },
});

// `input` is allowed only as the disabled checkbox of a task item (see the sanitize hook)
const FORBID_TAGS = ['style', 'form', 'button', 'textarea', 'select', 'option', 'iframe', 'frame', 'object', 'embed', 'img', 'svg', 'math', 'video', 'audio', 'source', 'picture', 'link', 'meta', 'base'];

let hooked = false;
function sanitize(html: string): string {
  if (!hooked) {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
      // whatever produced it, an input can only ever be a disabled checkbox
      if (node.tagName === 'INPUT') {
        for (const a of Array.from(node.attributes)) if (a.name !== 'checked') node.removeAttribute(a.name);
        node.setAttribute('type', 'checkbox');
        node.setAttribute('disabled', '');
      }
    });
    hooked = true;
  }
  return DOMPurify.sanitize(html, { FORBID_TAGS, FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'id', 'name'] });
}

/*
 * Sanitised HTML per block source, shared by every view: the visible answers of a long
 * conversation come and go as the list scrolls (virtualised), and a streamed answer renders
 * its complete blocks once. Keyed by the number of link definitions known too, since a
 * definition changes how `[text][ref]` renders.
 */
const CACHE_MAX = 2000;
const htmlCache = new Map<string, string>();

const cacheKey = (raw: string, linkCount: number) => `${linkCount}\u0000${raw}`;

/** highlighted chunks of large settled code blocks (code-view.ts), shared by views */
const codeCache = new Map<string, Highlighted>();
const sanitizeCode = (html: string) => DOMPurify.sanitize(html, { ALLOWED_TAGS: ['span'], ALLOWED_ATTR: ['class'] });

function blockHtml(block: Block, links: Split['links'], linkCount: number): string {
  const key = cacheKey(block.raw, linkCount);
  const hit = htmlCache.get(key);
  if (hit !== undefined) {
    // refresh its place (Map keeps insertion order: the oldest entries go first)
    htmlCache.delete(key);
    htmlCache.set(key, hit);
    return hit;
  }
  const tokens = Object.assign([...block.tokens], { links }) as TokensList;
  const html = sanitize(marked.parser(tokens));
  htmlCache.set(key, html);
  if (htmlCache.size > CACHE_MAX) htmlCache.delete(htmlCache.keys().next().value!);
  return html;
}

/**
 * A saved view of the message list (view-cache.ts) → HTML safe to show. It is this app's own
 * markup, read back from this device's storage, but it is still HTML from storage: no script,
 * no handler, no style; buttons are kept (the view is inert) so the layout does not jump.
 */
export function sanitizeView(html: string): string {
  return DOMPurify.sanitize(html, {
    FORBID_TAGS: FORBID_TAGS.filter((t) => t !== 'button'),
    FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'id', 'name'],
  });
}

export interface MarkdownView {
  /**
   * Show `text`: only the blocks that differ from what is shown are rendered and replaced.
   * `final`: nothing more will be appended (a finished answer), so even an unclosed code fence is complete.
   */
  update(text: string, final?: boolean): void;
  dispose(): void;
}

/**
 * Renders Markdown into `el` (which it owns), keeping the DOM nodes of unchanged blocks.
 * `decorate` is called with the nodes of each newly inserted block (e.g. to add buttons);
 * `onLanguage` when a code language finished loading (the caller renders again).
 */
export function createMarkdownView(el: HTMLElement, decorate: (nodes: readonly Node[]) => void, onLanguage: () => void): MarkdownView {
  const splitter = new BlockSplitter();
  /** what is in `el`, block by block, with what it was rendered against */
  const shown: Array<{ raw: string; languages: number; linkCount: number; nodes: Node[]; code?: CodeBlockView }> = [];
  const template = document.createElement('template');
  let languages = 0;
  /** the growing end (last block with content, and any space after it) rendered by the previous update */
  let drafts: Array<{ index: number; raw: string; linkCount: number }> = [];
  const listener = () => {
    languages++;
    onLanguage();
  };
  languageListeners.add(listener);
  const remove = (s: (typeof shown)[number]) => {
    s.code?.dispose();
    for (const n of s.nodes) n.parentNode?.removeChild(n);
  };

  return {
    update(text, final = false) {
      const { blocks, links } = splitter.split(text);
      const linkCount = Object.keys(links).length;
      let end = blocks.length - 1;
      while (end > 0 && blocks[end]!.tokens.every((t) => t.type === 'space')) end--;
      /** a code block can still grow only while it is the last block with content and open */
      const settled = (i: number, t: Tokens.Code) => final || i < end || (t.codeBlockStyle !== 'indented' && fenceClosed(t.raw));
      // compared field by field: building a key string per block would copy the whole answer every frame
      // (a code view highlights by itself: a language loaded here does not change it)
      const unchanged = (s: (typeof shown)[number], b: Block) => (s.code !== undefined || (s.languages === languages && s.linkCount === linkCount)) && s.raw === b.raw;
      let same = 0;
      while (same < shown.length && same < blocks.length && unchanged(shown[same]!, blocks[same]!)) same++;
      for (let i = 0; i < same; i++) {
        const code = shown[i]!.code;
        const t = code && largeCode(blocks[i]!);
        if (code && t) code.update(codeText(t), settled(i, t));
      }
      const old = shown.splice(same);
      // the growing code block keeps its view (and DOM) when its code was only appended to
      const first = old[0];
      const next = blocks[same];
      const grown = first?.code && next ? largeCode(next) : null;
      if (first?.code && grown && first.code.info === (grown.lang ?? '') && first.code.update(codeText(grown), settled(same, grown))) {
        old.shift();
        shown.push({ ...first, raw: next!.raw });
      }
      for (const o of old) remove(o);
      for (let i = shown.length; i < blocks.length; i++) {
        const block = blocks[i]!;
        const t = largeCode(block);
        if (t) {
          const code = makeCodeBlockView(codeText(t), settled(i, t), {
            info: t.lang ?? '',
            lang: canonicalLanguage(t.lang),
            label: codeLabel(t.lang),
            sanitize: sanitizeCode,
            cache: codeCache,
          });
          el.append(...code.nodes);
          decorate(code.nodes);
          shown.push({ raw: block.raw, languages, linkCount, nodes: [...code.nodes], code });
          continue;
        }
        template.innerHTML = blockHtml(block, links, linkCount);
        const nodes = [...template.content.childNodes];
        el.append(template.content);
        decorate(nodes);
        shown.push({ raw: block.raw, languages, linkCount, nodes });
      }
      // A streamed answer's growing end changes every frame: drop the previous frame's drafts of it
      // from the shared cache (unless still shown as is), or they would push out complete blocks.
      for (const d of drafts) if (blocks[d.index]?.raw !== d.raw || d.linkCount !== linkCount) htmlCache.delete(cacheKey(d.raw, d.linkCount));
      drafts = [];
      for (let i = Math.max(end, 0); i < blocks.length; i++) drafts.push({ index: i, raw: blocks[i]!.raw, linkCount });
    },
    dispose() {
      for (const s of shown) s.code?.dispose();
      languageListeners.delete(listener);
    },
  };
}
