/**
 * Serves the built client (STATIC_DIR, default ./dist) as a single-page app.
 *
 * Cache policy: files under /assets/ carry a content hash in their name, so they are cached
 * for a year; everything else (index.html, sw.js, the manifest, icons) is revalidated on
 * every load, so a new deployment is picked up by the service worker promptly.
 */
import { createReadStream, promises as fsp, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const NO_CACHE = 'no-cache';
const IMMUTABLE = 'public, max-age=31536000, immutable';

function sendText(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    ...extra,
  });
  res.end(body);
}

async function statFile(file: string): Promise<Stats | null> {
  try {
    const st = await fsp.stat(file);
    return st.isFile() ? st : null;
  } catch {
    return null;
  }
}

/**
 * Maps a URL path to a file inside root, or null if it would leave root or names a hidden
 * file. The WHATWG URL parser already folds `..` segments; the containment check below also
 * covers encoded separators (`..%2f`) and anything else that decodes to a climb.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return null; // also rejects '..'
  const file = path.resolve(root, ...segments);
  const rootResolved = path.resolve(root);
  if (file !== rootResolved && !file.startsWith(rootResolved + path.sep)) return null;
  return file;
}

function cacheControlFor(urlPath: string): string {
  return urlPath.startsWith('/assets/') ? IMMUTABLE : NO_CACHE;
}

function serveFile(req: IncomingMessage, res: ServerResponse, file: string, st: Stats, cacheControl: string): void {
  const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  const headers: Record<string, string | number> = {
    'Content-Type': MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Cache-Control': cacheControl,
    ETag: etag,
    'Last-Modified': st.mtime.toUTCString(),
    'X-Content-Type-Options': 'nosniff',
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers['Content-Length'] = st.size;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

export function createStaticHandler(staticDir: string | null | undefined): RequestHandler {
  const root = staticDir ? path.resolve(staticDir) : null;
  const index = root ? path.join(root, 'index.html') : null;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    // Checked per request, so building the client while the relay runs just works.
    const indexStat = index ? await statFile(index) : null;
    if (!root || !index || !indexStat) {
      sendText(res, 503, 'Atelier relay is running, but the web app is not built yet.\nRun `npm run build` (or `npm start`), then reload this page.\n');
      return;
    }
    const urlPath = new URL(req.url ?? '/', 'http://relay.invalid').pathname;
    const file = resolveInside(root, urlPath);
    if (file === null) {
      sendText(res, 404, 'Not found\n');
      return;
    }
    const st = file === root ? null : await statFile(file);
    if (st) {
      serveFile(req, res, file, st, cacheControlFor(urlPath));
      return;
    }
    // Client-side routes (/chat/123) have no extension; a missing /x.js is a real 404.
    if (path.extname(urlPath) === '') {
      serveFile(req, res, index, indexStat, NO_CACHE);
      return;
    }
    sendText(res, 404, 'Not found\n');
  };

  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendText(res, 500, 'Internal error\n');
      else res.destroy();
    });
  };
}
