/*
 * Text extraction on the device: plain text and Markdown as they are, HTML through
 * DOMParser (scripts and styles dropped), PDF through pdf.js (loaded only when a PDF is
 * attached, its worker bundled by Vite).
 */

export type ExtractKind = 'text' | 'markdown' | 'html' | 'pdf';

/** Why a file could not be read, as a key the interface words itself (pdf.js messages are English-only). */
export type UnreadableCause = 'pdf-invalid' | 'pdf-password' | 'binary' | 'other';

export type Extracted =
  | { ok: true; text: string; kind: ExtractKind; type: string }
  | { ok: false; reason: 'unsupported' | 'empty' }
  | { ok: false; reason: 'unreadable'; cause: UnreadableCause };

/** pdf.js names its errors (InvalidPDFException, PasswordException, …); anything else is "other". */
function causeOf(kind: ExtractKind, e: unknown): UnreadableCause {
  const name = e instanceof Error ? e.name : '';
  if (name === 'PasswordException') return 'pdf-password';
  if (kind === 'pdf') return 'pdf-invalid';
  return 'other';
}

const TEXT_EXT = /\.(txt|text|csv|tsv|json|ya?ml|xml|log|ini|toml|js|ts|py|java|c|cpp|h|rs|go|rb|sh|sql|css)$/i;

export function kindOf(name: string, type: string): ExtractKind | null {
  const n = name.toLowerCase();
  if (type === 'application/pdf' || n.endsWith('.pdf')) return 'pdf';
  if (type === 'text/markdown' || /\.(md|markdown|mdx)$/.test(n)) return 'markdown';
  if (type === 'text/html' || /\.html?$/.test(n)) return 'html';
  if (type.startsWith('text/') || TEXT_EXT.test(n)) return 'text';
  return null;
}

const MIME: Record<ExtractKind, string> = { text: 'text/plain', markdown: 'text/markdown', html: 'text/html', pdf: 'application/pdf' };

export function htmlToText(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  for (const el of Array.from(doc.querySelectorAll('script, style, noscript, template'))) el.remove();
  // block elements end lines, so paragraphs do not run together
  for (const el of Array.from(doc.querySelectorAll('p, div, br, li, h1, h2, h3, h4, h5, h6, tr, pre, blockquote, section, article'))) el.append('\n');
  const text = doc.body?.textContent ?? doc.documentElement.textContent ?? '';
  return text.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

async function pdfToText(data: Uint8Array): Promise<string> {
  const pdfjs = await import('pdfjs-dist');
  const workerUrl = (await import('pdfjs-dist/build/pdf.worker.min.mjs?url')).default;
  pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
  const pdf = await pdfjs.getDocument({ data }).promise;
  const pages: string[] = [];
  try {
    for (let i = 1; i <= pdf.numPages; i++) {
      const page = await pdf.getPage(i);
      const content = await page.getTextContent();
      let line = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        line += item.str;
        if (item.hasEOL) line += '\n';
        else if (item.str && !line.endsWith(' ')) line += ' ';
      }
      pages.push(line.replace(/ +\n/g, '\n').trim());
    }
  } finally {
    void pdf.destroy();
  }
  return pages.filter(Boolean).join('\n\n');
}

export async function extractText(file: File): Promise<Extracted> {
  const kind = kindOf(file.name, file.type);
  if (!kind) return { ok: false, reason: 'unsupported' };
  let text: string;
  try {
    if (kind === 'pdf') text = await pdfToText(new Uint8Array(await file.arrayBuffer()));
    else {
      const raw = await file.text();
      text = kind === 'html' ? htmlToText(raw) : raw;
    }
  } catch (e) {
    return { ok: false, reason: 'unreadable', cause: causeOf(kind, e) };
  }
  if (text.includes('\u0000')) return { ok: false, reason: 'unreadable', cause: 'binary' };
  if (text.trim() === '') return { ok: false, reason: 'empty' };
  return { ok: true, text, kind, type: file.type || MIME[kind] };
}
