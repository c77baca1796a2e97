// `npm start`: build the client when there is no build yet (or it is older than the
// sources), then run the relay, which serves the app and the sync endpoint.
// `npm run relay` (--relay-only): the relay alone, without looking at the client build.
// The relay runs compiled, with the node options of server/relay-build.mjs (why: see there).
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

if (!process.argv.includes('--relay-only')) {
  const built = existsSync('dist/index.html') ? statSync('dist/index.html').mtimeMs : 0;
  const sources = Math.max(newestMtime('client'), newestMtime('shared'), statSync('vite.config.ts').mtimeMs);
  if (built < sources) {
    console.log(built ? 'Sources changed since the last build: rebuilding the client…' : 'Building the client…');
    const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

const { compileRelay, RELAY_NODE_OPTIONS, relayEnv } = await import('../server/relay-build.mjs');
const entry = await compileRelay(process.cwd());
const relay = spawn(process.execPath, [...RELAY_NODE_OPTIONS, entry], { stdio: 'inherit', env: relayEnv(process.env) });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => relay.kill(sig));
relay.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
