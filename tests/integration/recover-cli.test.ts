/**
 * `npm run account -- recover <name>`: chunks a snapshot replaced come back to every device
 * within the grace period; while the relay has the account open, the command says to stop it.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startRelay } from '../../server/relay.ts';
import { cleanupAfterEach, tempDir } from './helpers.ts';
import { chunkId, docId, V2Client } from './v2-client.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { cleanups } = cleanupAfterEach();

function cli(dataDir: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/account-cli.ts', ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('account recover', () => {
  it('serves again the chunks a snapshot replaced, and refuses while the relay holds the account', async () => {
    const tmp = tempDir('recover');
    cleanups.push(tmp.remove);
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {} });
    const { token } = await relay.accounts.create('alice');
    const { client } = await V2Client.connect(relay.url, token);
    const doc = docId();
    const [c1, c2] = [chunkId(), chunkId()];
    expect((await client.putAndWait(doc, c1, Buffer.from('one'))).t).toBe('ack');
    expect((await client.putAndWait(doc, c2, Buffer.from('two'))).t).toBe('ack');
    expect((await client.putAndWait(doc, chunkId(), Buffer.from('one+two'), { kind: 'snapshot', covers: [c1, c2] })).t).toBe('ack');

    const busy = await cli(tmp.dir, 'recover', 'alice');
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/stop the relay/);

    client.close();
    await relay.close();
    const run = await cli(tmp.dir, 'recover', 'alice');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Recovered 2 chunk\(s\) of account "alice"/);

    const again = await startRelay({ port: 0, host: '127.0.0.1', dataDir: tmp.dir, staticDir: null, log: () => {} });
    cleanups.push(() => again.close());
    const fresh = await V2Client.connect(again.url, token);
    cleanups.push(() => fresh.client.close());
    const { chunks } = await fresh.client.pull(0);
    expect(chunks.map((c) => Buffer.from(c.bytes).toString()).sort()).toEqual(['one', 'one+two', 'two']);
  });
});
