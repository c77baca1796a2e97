import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import wasm from 'vite-plugin-wasm';
import { VitePWA } from 'vite-plugin-pwa';
import type { Plugin } from 'vite';
import { readFileSync, createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SANDBOX_HOST_SHA256 } from './server/sandbox-host-hash.ts';

// The Automerge wasm is ~3.6 MB; Workbox silently drops files over 2 MiB from the
// precache, and then the app cannot boot offline (automerge-notes.md). Allow 8 MiB.
const MAX_PRECACHE_BYTES = 8 * 1024 * 1024;

/*
 * `ollama/browser` imports the whatwg-fetch polyfill (~4 KB gzip on the first page). It does
 * nothing when `fetch` exists, and every browser that runs this app (service worker, IndexedDB,
 * ES modules) has it, so the import resolves to an empty module.
 */
const EMPTY = '\0atelier-empty-module';
function dropFetchPolyfill(): Plugin {
  return {
    name: 'atelier:drop-fetch-polyfill',
    enforce: 'pre',
    resolveId: (id) => (id === 'whatwg-fetch' ? EMPTY : null),
    load: (id) => (id === EMPTY ? 'export {};' : null),
  };
}

/*
 * automerge-repo's URL codec (bs58check 3) requires `@noble/hashes/sha256` of noble 1.x, in
 * CommonJS, which bundles every SHA-2 variant (~6 KB gzip on the first page). The app already
 * has noble 2 for its encryption: that import gets noble 2's SHA-256 (same function, bytes in,
 * bytes out). Every browser test opens documents by URL, whose checksum this computes.
 */
const NOBLE_SHA256 = '\0atelier-noble-sha256';
function oneNobleSha256(): Plugin {
  return {
    name: 'atelier:one-noble-sha256',
    enforce: 'pre',
    resolveId: (id, importer) => (id === '@noble/hashes/sha256' && importer?.includes('/bs58check/') ? NOBLE_SHA256 : null),
    load: (id) => (id === NOBLE_SHA256 ? "export { sha256 } from '@noble/hashes/sha2.js';" : null),
  };
}

/*
 * Pyodide (the code interpreter's Python, client/chat/code-runner/) is served by the app itself
 * under /pyodide/<version>/, so it needs no CDN and works offline once fetched. Only the core
 * files a run needs are copied (no packages: the sandbox has no network and loads none). They
 * are not precached (~12 MB nobody may ever use): the service worker keeps them on first use.
 */
const PYODIDE_DIR = fileURLToPath(new URL('./node_modules/pyodide/', import.meta.url));
const PYODIDE_VERSION = (JSON.parse(readFileSync(`${PYODIDE_DIR}package.json`, 'utf8')) as { version: string }).version;
const PYODIDE_FILES: Readonly<Record<string, string>> = {
  'pyodide.mjs': 'text/javascript',
  'pyodide.asm.mjs': 'text/javascript',
  'pyodide.asm.wasm': 'application/wasm',
  'python_stdlib.zip': 'application/zip',
  'pyodide-lock.json': 'application/json',
};
const PYODIDE_PATH = `/pyodide/${PYODIDE_VERSION}/`;
function pyodideAssets(): Plugin {
  return {
    name: 'atelier:pyodide-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.startsWith(PYODIDE_PATH) ? req.url.slice(PYODIDE_PATH.length).split('?')[0] : undefined;
        const type = name !== undefined ? PYODIDE_FILES[name] : undefined;
        if (!name || !type) return next();
        res.setHeader('Content-Type', type);
        createReadStream(`${PYODIDE_DIR}${name}`).pipe(res);
      });
    },
    generateBundle() {
      for (const name of Object.keys(PYODIDE_FILES)) {
        this.emitFile({ type: 'asset', fileName: `${PYODIDE_PATH.slice(1)}${name}`, source: readFileSync(`${PYODIDE_DIR}${name}`) });
      }
    },
  };
}

export default defineConfig({
  root: 'client',
  publicDir: 'public',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'esnext',
  },
  worker: { format: 'es', plugins: () => [wasm()] },
  server: { port: 5173 },
  // automerge-repo's CBOR codec (cbor-x) probes `Function('')` when it loads, to decide whether
  // it may compile decoders: under the app's CSP (no 'unsafe-eval') every start logged a CSP
  // violation. Its no-eval build is the same codec without the probe or the compiled decoders.
  resolve: { alias: [{ find: /^cbor-x$/, replacement: 'cbor-x/index-no-eval' }] },
  // The tools' sandbox frame lists its script's hash in its own policy (client/tools/sandbox-browser.ts);
  // the relay lists the same one in the app's (server/security-headers.ts).
  define: { __SANDBOX_HOST_SHA256__: JSON.stringify(SANDBOX_HOST_SHA256), __PYODIDE_VERSION__: JSON.stringify(PYODIDE_VERSION) },
  plugins: [
    dropFetchPolyfill(),
    oneNobleSha256(),
    pyodideAssets(),
    wasm(),
    solid(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['favicon.svg'],
      manifest: {
        name: 'Atelier',
        short_name: 'Atelier',
        description: 'Your Ollama model presets and chats, on every device, offline first.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        theme_color: '#4f46e5',
        background_color: '#f8fafc',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Every lazy chunk (pages, panels, Markdown, highlight.js languages) and the pdf.js worker
        // (an .mjs file) is precached, so what loads on demand also works offline.
        globPatterns: ['**/*.{js,mjs,css,html,wasm,svg,png,webmanifest}'],
        // Pyodide is cached on first use instead (runtimeCaching below): its path names its
        // version, so a cached file is never stale, and an update's new version is a new path.
        globIgnores: ['pyodide/**'],
        runtimeCaching: [
          {
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/pyodide/'),
            handler: 'CacheFirst',
            options: { cacheName: 'atelier-pyodide', expiration: { maxEntries: 12 } },
          },
        ],
        maximumFileSizeToCacheInBytes: MAX_PRECACHE_BYTES,
        navigateFallback: '/index.html',
        // The relay's own endpoints are never app pages.
        navigateFallbackDenylist: [/^\/sync/, /^\/api\//, /^\/healthz/],
        cleanupOutdatedCaches: true,
        // The first visit is controlled as soon as the worker is active, without a reload:
        // otherwise a page opened once and then taken offline fetches its lazy chunks from the
        // network and they fail. (An update still waits for the person: registerType 'prompt'.)
        clientsClaim: true,
      },
    }),
  ],
});
