/*
 * Arrows between folders point one way: pages → features → data → shared. The table below lists
 * every folder bottom-up; a file may import its own folder and any folder listed before it,
 * nothing listed after (so no two folders import each other either). Read from the source text:
 * every static, side-effect, type-only and dynamic import with a relative path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bottom-up. `client` alone is the app's root files (App.tsx, main.tsx, app-providers.tsx). */
const LAYERS: ReadonlyArray<{ layer: string; folders: readonly string[] }> = [
  // Per-area dictionaries (`strings.ts`, `strings.fr.ts`) count as client/i18n: i18n composes them.
  // client/context: the one shape of a context (Provider + throwing `use*`), for every provider.
  // client/device: device-local storage (localStorage through one helper), which i18n's language choice uses.
  { layer: 'shared', folders: ['shared', 'client/context', 'client/device', 'client/i18n'] },
  { layer: 'data', folders: ['client/repo', 'client/store', 'client/workspace', 'client/sync', 'client/ollama', 'client/openai'] },
  { layer: 'features', folders: ['client/components', 'client/knowledge', 'client/tools', 'client/models', 'client/chat', 'client/data'] },
  { layer: 'pages', folders: ['client/pages', 'client'] },
];

/** Known arrows the wrong way, each with why it stays. A new one fails the test; so does an entry no longer needed. */
const ALLOWED: ReadonlyArray<{ from: string; to: string; reason: string }> = [
  {
    from: 'client/repo/make-repo.ts',
    to: 'client/sync/sync-ledger.ts',
    reason: 'the storage marks each document it writes in the upload ledger, in the same write path',
  },
  {
    from: 'client/repo/stored-documents.ts',
    to: 'client/sync/engine/local-chunks.ts',
    reason: 'type only: the bulk IndexedDB write takes the chunks the sync engine received',
  },
];

const ORDER = LAYERS.flatMap(({ layer, folders }) => folders.map((folder) => ({ layer, folder })));

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'public' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

const IMPORT = [
  /^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm, // static, type-only, re-exports (multi-line too)
  /^\s*import\s*['"]([^'"]+)['"]/gm, // side effect
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // dynamic
];

/** Relative imports of a file, as paths from the repository root. */
export function importsOf(file: string, source: string): string[] {
  return IMPORT.flatMap((re) => [...source.matchAll(re)].map((m) => m[1]!))
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec.replace(/\?.*$/, ''))).split('\\').join('/'));
}

/** The table's folder a path belongs to: the longest listed prefix. */
function folderOf(path: string): string | undefined {
  if (/^client\/.*\/strings(\.fr)?\.ts$/.test(path)) return 'client/i18n';
  if (/^client\/[^/]+$/.test(path)) return 'client';
  return ORDER.map((o) => o.folder)
    .filter((f) => f !== 'client' && path.startsWith(`${f}/`))
    .sort((a, b) => b.length - a.length)[0];
}

const rank = (folder: string) => ORDER.findIndex((o) => o.folder === folder);
const layerOf = (folder: string) => ORDER.find((o) => o.folder === folder)?.layer;

interface Arrow {
  from: string;
  to: string;
}

/** Every import from a folder to one listed after it, and every file outside the table. */
export function wrongWay(files: ReadonlyArray<{ path: string; source: string }>): { arrows: Arrow[]; unplaced: string[] } {
  const arrows: Arrow[] = [];
  const unplaced = new Set<string>();
  for (const { path, source } of files) {
    const from = folderOf(path);
    if (!from) unplaced.add(path);
    for (const to of importsOf(path, source)) {
      const target = folderOf(to);
      if (!target) unplaced.add(to);
      else if (from && from !== target && rank(target) > rank(from)) arrows.push({ from: path, to });
    }
  }
  return { arrows, unplaced: [...unplaced].sort() };
}

const describeArrow = (a: Arrow) => {
  const f = folderOf(a.from)!;
  const t = folderOf(a.to)!;
  return `${a.from} → ${a.to} (${f}, ${layerOf(f)} → ${t}, ${layerOf(t)})`;
};

describe('layering of client/ and shared/', () => {
  const files = ['client', 'shared'].flatMap(sourceFiles).map((path) => ({ path, source: readFileSync(join(ROOT, path), 'utf8') }));
  const { arrows, unplaced } = wrongWay(files);
  const allowed = (a: Arrow) => ALLOWED.some((e) => e.from === a.from && e.to === a.to);

  it('imports point only down the layer table (or are allow-listed with a reason)', () => {
    expect(arrows.filter((a) => !allowed(a)).map(describeArrow)).toEqual([]);
  });

  it('every allow-listed arrow still exists (a fixed one leaves the list)', () => {
    expect(ALLOWED.filter((e) => !arrows.some((a) => a.from === e.from && a.to === e.to)).map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });

  it('every source folder is placed in the table', () => {
    expect(unplaced).toEqual([]);
  });

  it('sees a wrong-way import, multi-line, type-only or dynamic', () => {
    const probe = (source: string) => wrongWay([{ path: 'client/repo/probe.ts', source }]).arrows.map((a) => a.to);
    expect(probe("import {\n  usePresets,\n} from '../models/presets-context.tsx';")).toEqual(['client/models/presets-context.tsx']);
    expect(probe("import type { X } from '../chat/run-answer.ts';")).toEqual(['client/chat/run-answer.ts']);
    expect(probe("const m = () => import('../pages/PairPage.tsx');")).toEqual(['client/pages/PairPage.tsx']);
    expect(probe("import { useRepo } from './repo-context.tsx';\nimport { x } from '../../shared/schema/index.ts';")).toEqual([]);
  });
});
