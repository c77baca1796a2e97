/// <reference lib="webworker" />
import hljs from 'highlight.js/lib/core';
import { languageLoader } from './languages.ts';
import { chunkCode, splitHighlighted } from './code-chunks.ts';

/*
 * Highlighting of large code blocks off the main thread (highlight.js needs no DOM). A request
 * names a canonical language and the block's code; the reply holds the code's chunks
 * (code-chunks.ts) and the highlighted HTML of each, or an error (the page keeps the plain
 * text). Languages are loaded here on first use, from the same per-language chunks.
 */

export interface HighlightRequest {
  id: number;
  lang: string;
  code: string;
}

export type HighlightReply = { id: number; ok: true; texts: string[]; html: string[] } | { id: number; ok: false; error: string };

const loaded = new Map<string, Promise<void>>();

function ensureLanguage(name: string): Promise<void> {
  let p = loaded.get(name);
  if (!p) {
    const loader = languageLoader(name);
    if (!loader) return Promise.reject(new Error(`no language ${name}`));
    p = loader().then((mod) => hljs.registerLanguage(name, mod.default));
    // a failed load (offline, not cached) may be tried again by a later request
    p.catch(() => loaded.delete(name));
    loaded.set(name, p);
  }
  return p;
}

async function handle(m: HighlightRequest): Promise<HighlightReply> {
  await ensureLanguage(m.lang);
  const texts = chunkCode(m.code);
  const whole = hljs.highlight(m.code, { language: m.lang, ignoreIllegals: true }).value;
  const html = splitHighlighted(whole, texts);
  if (!html) return { id: m.id, ok: false, error: 'highlighted lines do not match the code' };
  return { id: m.id, ok: true, texts, html };
}

self.onmessage = (e: MessageEvent<HighlightRequest>) => {
  handle(e.data).then(
    (reply) => self.postMessage(reply),
    (err: unknown) => self.postMessage({ id: e.data.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies HighlightReply),
  );
};
