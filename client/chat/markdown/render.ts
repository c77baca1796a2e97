import { Marked, type Tokens } from 'marked';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import { canonicalLanguage, languageLoader } from './languages.ts';

/*
 * Markdown of a model's answer → safe HTML. Loaded lazily with the first answer shown.
 * - Raw HTML written by the model is shown as text, never interpreted; everything marked
 *   produces then goes through DOMPurify anyway (no script, no event handler, no style).
 * - Pictures a model links to are shown as links, not loaded: loading them would let a
 *   prompt-injected answer send conversation content to any server inside an image URL.
 * - Code blocks are highlighted when their language is loaded; a language is fetched on
 *   first use and `onLanguage` asks the caller to render again.
 */

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const registered = new Set<string>();
const pending = new Map<string, Promise<void>>();
const waiting = new Set<() => void>();

function requestLanguage(name: string, onLoaded: () => void): void {
  waiting.add(onLoaded);
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
        const callbacks = [...waiting];
        waiting.clear();
        for (const cb of callbacks) cb();
      }),
  );
}

function highlighted(code: string, lang: string | null, onLanguage: () => void): string {
  if (lang && registered.has(lang)) {
    try {
      return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
    } catch {
      return escapeHtml(code);
    }
  }
  if (lang) requestLanguage(lang, onLanguage);
  return escapeHtml(code);
}

function makeMarked(onLanguage: () => void): Marked {
  return new Marked({
    gfm: true,
    breaks: false,
    renderer: {
      code({ text, lang }: Tokens.Code) {
        const name = canonicalLanguage(lang);
        const label = (lang ?? '').trim().split(/\s+/)[0] ?? '';
        const cls = name ? ` language-${name}` : '';
        return (
          `<div class="code-block"><div class="code-head"><span class="code-lang">${escapeHtml(label)}</span></div>` +
          `<pre><code class="hljs${cls}">${highlighted(text.replace(/\n$/, ''), name, onLanguage)}</code></pre></div>\n`
        );
      },
      html({ text }: Tokens.HTML | Tokens.Tag) {
        return escapeHtml(text);
      },
      image({ href, text }: Tokens.Image) {
        return `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`;
      },
    },
  });
}

const FORBID_TAGS = ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'frame', 'object', 'embed', 'img', 'svg', 'math', 'video', 'audio', 'source', 'picture', 'link', 'meta', 'base'];

let hooked = false;
function sanitize(html: string): string {
  if (!hooked) {
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    });
    hooked = true;
  }
  return DOMPurify.sanitize(html, { FORBID_TAGS, FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'id', 'name'] });
}

/** Markdown → sanitised HTML. `onLanguage` is called when a code language finished loading. */
export function renderMarkdown(text: string, onLanguage: () => void): string {
  const html = makeMarked(onLanguage).parse(text, { async: false });
  return sanitize(html);
}
