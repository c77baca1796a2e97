import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Repo, type DocHandle } from '@automerge/automerge-repo';
import { BrowserWebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';

const script = process.argv[2]!;
const rounds = Number(process.argv[3] ?? 10);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
async function start(dir: string, port: number): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, PORT: String(port), DATA_DIR: dir, HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>(res => { p.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('listening')) res(); }); });
  return p;
}
function client(port: number) {
  const a = new BrowserWebSocketClientAdapter(`ws://127.0.0.1:${port}/sync`, 200);
  return new Repo({ network: [a], sharePolicy: async () => true });
}
async function acked(repo: Repo, h: DocHandle<unknown>) {
  for (let i = 0; i < 500; i++) {
    const peer = repo.peers[0];
    const sid = peer ? repo.getStorageIdOfPeer(peer) : undefined;
    const info = sid ? h.getSyncInfo(sid) : undefined;
    if (info && JSON.stringify([...info.lastHeads].sort()) === JSON.stringify([...h.heads()].sort())) return i;
    await sleep(2);
  }
  throw new Error('no ack');
}
let lost = 0;
for (let r = 0; r < rounds; r++) {
  const dir = mkdtempSync(join(tmpdir(), 'measure-'));
  const port = 40000 + Math.floor(Math.random() * 20000);
  let p = await start(dir, port);
  const c = client(port);
  const h = c.create<{ n: number[] }>({ n: [] });
  await acked(c, h);
  await sleep(300);
  for (let i = 0; i < 5; i++) h.change(d => { d.n.push(i); });
  const t0 = performance.now();
  await acked(c, h);
  const ackMs = performance.now() - t0;
  p.kill('SIGKILL');
  await new Promise(r => p.once('exit', r));
  c.shutdown();
  p = await start(dir, port);
  const c2 = client(port);
  await sleep(300);
  const h2 = await c2.find<{ n: number[] }>(h.url);
  const n = h2.doc().n.length;
  if (n !== 5) lost++;
  console.log(`round ${r}: ack after ${ackMs.toFixed(1)} ms, after kill -9: ${n}/5 changes`);
  c2.shutdown(); p.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true });
}
console.log(`lost data in ${lost}/${rounds} rounds`);
process.exit(0);
