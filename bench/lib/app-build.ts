/**
 * Builds the client into a temp folder of its own (never dist/: other people run Playwright
 * and vite in this tree), with Vite's manifest, once per bench run.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, tempDir } from './common.ts';

const run = promisify(execFile);

export interface ManifestChunk {
  file: string;
  src?: string;
  name?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  assets?: string[];
}

export interface AppBuild {
  distDir: string;
  manifest: Record<string, ManifestChunk>;
  seconds: number;
}

let build: Promise<AppBuild> | null = null;

export function buildApp(): Promise<AppBuild> {
  build ??= (async () => {
    const distDir = path.join(tempDir('dist'), 'dist');
    const t0 = Date.now();
    const vite = path.join(ROOT, 'node_modules/.bin/vite');
    await run(vite, ['build', '--outDir', distDir, '--emptyOutDir', '--manifest', '--logLevel', 'warn'], {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 180_000,
    });
    const manifestPath = path.join(distDir, '.vite/manifest.json');
    if (!existsSync(manifestPath)) throw new Error(`vite build wrote no manifest at ${manifestPath}`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>;
    return { distDir, manifest, seconds: (Date.now() - t0) / 1000 };
  })();
  return build;
}
