/**
 * JavaScript a person downloads, gzip (level 9; KB = 1,000 bytes, as Vite prints), read from the
 * production build's asset graph (Vite manifest):
 *   first page  the entry (index.html) and its static imports, plus the dynamic imports every
 *               start runs (workbox-window, imported by the service worker registration as the
 *               app boots: a browser loading the first page fetches it too); the Automerge wasm
 *               (an asset fetched at start) is excluded and reported apart. Lazy pages, panels
 *               and libraries that wait for a click or a route are not counted here.
 *   chat page   the first page + the chat route chunk and its static imports + the Markdown
 *               renderer it loads for any message + one highlight.js language (TypeScript),
 *               i.e. what showing a conversation with a highlighted code block costs
 *   first page transfer  the first page's JS + the Automerge wasm (nothing live renders without
 *               it) + its CSS: what a first visit downloads before the live models list can show
 *   first visit transfer everything a first visit downloads: the service worker precaches every
 *               file of the build its globPatterns name (vite.config.ts) right away, so lazy
 *               pages work offline; the first page's files are fetched once (the precache takes
 *               them from the HTTP cache, counted once here)
 * Sizes are gzip, as a compressing proxy would send them; the relay's own static server sends
 * files uncompressed, so the raw size is in the notes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { figure, round, type BenchContext, type Figure } from '../lib/common.ts';
import { buildApp, type ManifestChunk } from '../lib/app-build.ts';

function closure(manifest: Record<string, ManifestChunk>, keys: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key) || !manifest[key]) return;
    seen.add(key);
    for (const k of manifest[key]!.imports ?? []) visit(k);
  };
  keys.forEach(visit);
  return seen;
}

/** Files of `dir`, relative paths, recursively. */
function filesOf(dir: string, under = ''): string[] {
  return readdirSync(path.join(dir, under)).flatMap((name) => {
    const rel = path.join(under, name);
    return statSync(path.join(dir, rel)).isDirectory() ? filesOf(dir, rel) : [rel];
  });
}

/**
 * What the service worker precaches (vite.config.ts globPatterns and globIgnores: Pyodide is cached
 * on first use, not precached; the Vite manifest folder is not served as part of the app).
 */
const PRECACHED = /\.(js|mjs|css|html|wasm|svg|png|webmanifest)$/;

export async function bundleSize(ctx: BenchContext): Promise<Figure[]> {
  const { distDir, manifest, seconds } = await buildApp();
  ctx.log(`  built the client in ${seconds.toFixed(1)} s`);
  const gz = new Map<string, number>();
  const size = (key: string): number => {
    const file = manifest[key]!.file;
    if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(path.join(distDir, file)), { level: 9 }).length);
    return gz.get(file)!;
  };
  const jsOnly = (keys: Iterable<string>) => [...keys].filter((k) => manifest[k]!.file.endsWith('.js'));
  const sum = (keys: Iterable<string>) => jsOnly(keys).reduce((s, k) => s + size(k), 0);

  const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
  if (!entryKey) throw new Error('no entry in the Vite manifest');
  // Dynamic imports that run at every start, whatever the page: they are initial JavaScript too.
  const atBoot = [...closure(manifest, [entryKey])]
    .flatMap((k) => manifest[k]!.dynamicImports ?? [])
    .filter((k) => /workbox-window/.test(k));
  const initial = closure(manifest, [entryKey, ...atBoot]);
  const initialBytes = sum(initial);

  const chatKey = Object.keys(manifest).find((k) => /chat\/ChatPage\.tsx$/.test(k));
  const chatDynamic = chatKey ? (manifest[chatKey]!.dynamicImports ?? []) : [];
  const markdownKey = chatDynamic.find((k) => /markdown|render/i.test(k) && !/languages/.test(k));
  const languageKey = Object.keys(manifest).find((k) => /languages\/typescript\.js$/.test(k));
  const chatRoots = [chatKey, markdownKey, languageKey].filter((k): k is string => k !== undefined);
  const chat = closure(manifest, [entryKey, ...atBoot, ...chatRoots]);
  const chatBytes = sum(chat);

  const wasm = Object.values(manifest).find((c) => c.file.endsWith('.wasm'));
  const wasmGz = wasm ? gzipSync(readFileSync(path.join(distDir, wasm.file)), { level: 9 }).length : null;
  // Big base64 blobs in JS would mean the wasm got inlined and counted as JS.
  const suspicious = jsOnly(initial).filter((k) => /[A-Za-z0-9+/]{200000}/.test(readFileSync(path.join(distDir, manifest[k]!.file), 'utf8')));

  const gzFile = (rel: string) => gzipSync(readFileSync(path.join(distDir, rel)), { level: 9 }).length;
  const rawFile = (rel: string) => statSync(path.join(distDir, rel)).size;
  // the first page: its JS, the wasm, the CSS of the entry and its static imports
  const firstPageFiles = [
    ...new Set([
      ...jsOnly(initial).map((k) => manifest[k]!.file),
      ...(wasm ? [wasm.file] : []),
      ...[...initial].flatMap((k) => manifest[k]!.css ?? []),
    ]),
  ];
  const firstPageGz = firstPageFiles.reduce((s, f) => s + gzFile(f), 0);
  const firstPageRaw = firstPageFiles.reduce((s, f) => s + rawFile(f), 0);
  const precached = filesOf(distDir).filter((f) => PRECACHED.test(f) && !f.startsWith('.vite') && !f.startsWith('pyodide/'));
  const visitGz = precached.reduce((s, f) => s + gzFile(f), 0);
  const visitRaw = precached.reduce((s, f) => s + rawFile(f), 0);
  const byKind = (files: string[]) => {
    const kinds = new Map<string, number>();
    for (const f of files) kinds.set(path.extname(f).slice(1), (kinds.get(path.extname(f).slice(1)) ?? 0) + gzFile(f));
    return [...kinds].sort((a, b) => b[1] - a[1]).map(([k, b]) => `${k} ${kb(b)}`).join(', ');
  };
  const kb = (b: number) => round(b / 1000, 1);
  const list = (keys: Iterable<string>) =>
    jsOnly(keys)
      .sort((a, b) => size(b) - size(a))
      .map((k) => `${path.basename(manifest[k]!.file)} ${kb(size(k))}`)
      .join(', ');
  ctx.log(`  first page: ${list(initial)}`);
  ctx.log(`  chat page adds: ${list([...chat].filter((k) => !initial.has(k)))}`);
  return [
    figure({
      name: 'js-initial-gzip',
      label: 'initial JS of the first page (gzip, no wasm)',
      value: kb(initialBytes),
      unit: 'KB',
      op: '<=',
      limit: 160,
      note: `${list(initial)}; Automerge wasm excluded (${wasmGz !== null ? `${kb(wasmGz)} KB gzip` : 'not found'})${suspicious.length ? `; WARNING: base64 blob in ${suspicious.join(', ')}` : ''}`,
    }),
    figure({
      name: 'js-chat-gzip',
      label: 'chat page JS with Markdown + highlighting (gzip)',
      value: kb(chatBytes),
      unit: 'KB',
      op: '<=',
      limit: 300,
      note: `first page + ${list([...chat].filter((k) => !initial.has(k)))}; other highlight.js languages load on demand`,
    }),
    figure({
      name: 'first-page-transfer-gzip',
      label: 'first page: JS + Automerge wasm + CSS (gzip)',
      value: kb(firstPageGz),
      unit: 'KB',
      note: `${firstPageFiles.length} files: ${byKind(firstPageFiles)} KB; ${kb(firstPageRaw)} KB uncompressed (as the relay's static server sends them); no target in the issue (reported)`,
    }),
    figure({
      name: 'first-visit-transfer-gzip',
      label: 'first visit: everything downloaded, service worker precache included (gzip)',
      value: kb(visitGz),
      unit: 'KB',
      note: `${precached.length} files: ${byKind(precached)} KB; ${kb(visitRaw)} KB uncompressed; no target in the issue (reported)`,
    }),
  ];
}
