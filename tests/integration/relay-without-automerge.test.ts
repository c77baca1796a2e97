/**
 * The relay process loads neither Automerge nor automerge-repo: it stores and forwards
 * ciphertext. Checked twice: the relay as `npm start` compiles it (the bundle's imports), and
 * the relay running (a module hook refuses every `@automerge/*` import, then a device connects,
 * uploads, downloads and the API answers: the relay must neither fail nor say it tried).
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FileAccountStore } from '../../server/accounts.ts';
import { FORBIDDEN_IN_RELAY } from '../../server/relay-build.mjs';
import { spawnRelay } from '../helpers/relay-process.ts';
import { cleanupAfterEach, tempDir } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { cleanups } = cleanupAfterEach();

/** Registers a module hook in the relay process that refuses to resolve any forbidden package. */
const REFUSE_AUTOMERGE = `data:text/javascript,${encodeURIComponent(`
import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(`
export async function resolve(specifier, context, next) {
  if (/^@automerge\\//.test(specifier) || /[\\\\/]node_modules[\\\\/]@automerge[\\\\/]/.test(specifier)) {
    throw new Error('FORBIDDEN IN THE RELAY: ' + specifier);
  }
  return next(specifier, context);
}`)}));
`)}`;

describe('the relay process', () => {
  it('compiled as `npm start` runs it, imports no @automerge package', async () => {
    const fromRoot = createRequire(path.join(ROOT, 'package.json'));
    const esbuild = createRequire(fromRoot.resolve('tsx/package.json'))('esbuild') as typeof import('esbuild');
    const result = await esbuild.build({
      entryPoints: [path.join(ROOT, 'server', 'main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      write: false,
      outdir: path.join(ROOT, 'node_modules', '.cache', 'relay-check'),
      metafile: true,
      logLevel: 'silent',
    });
    const external = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(external).toContain('ws'); // the check sees the packages the relay does load
    expect(external.filter((p) => FORBIDDEN_IN_RELAY.some((re) => re.test(p)))).toEqual([]);
    // nor `pg` at start-up: it is required with the first database pool (a relay on local files never pays its memory)
    expect(external).not.toContain('pg');
  });

  it('running, never loads @automerge/* while a device uploads and downloads', async () => {
    const tmp = tempDir('no-automerge');
    cleanups.push(tmp.remove);
    const { token } = await new FileAccountStore({ dataDir: tmp.dir }).create('alice');
    const relay = await spawnRelay({ dataDir: tmp.dir, nodeArgs: ['--import', REFUSE_AUTOMERGE] });
    cleanups.push(() => relay.kill());

    const a = await V2Client.connect(relay.url, token);
    cleanups.push(() => a.client.close());
    const bytes = randomBytes(3 * 1024 * 1024); // in parts
    expect((await a.client.putAndWait(docId(), chunkId(), bytes)).t).toBe('ack');
    const b = await V2Client.connect(relay.url, token);
    cleanups.push(() => b.client.close());
    const { chunks } = await b.client.pull(0);
    expect(Buffer.from(chunks[0]!.bytes).equals(bytes)).toBe(true);
    expect((await fetch(`${relay.url}/api/account`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${relay.url}/api/bundle`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);

    expect(relay.output()).not.toContain('FORBIDDEN IN THE RELAY');
    expect(relay.proc.exitCode).toBeNull();
  });
});
