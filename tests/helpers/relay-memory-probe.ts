/**
 * Measures the relay's memory (RSS of a real relay process) for issue 7's figure:
 * ACCOUNTS accounts × DOCS conversation documents, one client per account fetching every
 * document in batches of 50 (a few clients at a time) and staying connected; then the clients
 * leave.
 *
 *   npx tsx tests/helpers/relay-memory-probe.ts [accounts=10] [docs=2000] [concurrent=2]
 *
 * Relay settings come from the environment as usual (IDLE_DOCUMENT_MS, IDLE_ACCOUNT_MS,
 * MAX_LOADED_DOCUMENTS...); RELAY_NODE_ARGS adds node options (e.g. --max-semi-space-size=2). Prints the peak RSS while syncing, the RSS while the synced clients
 * stay connected (after IDLE_DOCUMENT_MS), and after they leave (after IDLE_ACCOUNT_MS).
 * Not a test: it takes minutes and its numbers depend on the machine.
 */
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { next as A } from '@automerge/automerge';
import { Repo, generateAutomergeUrl, parseAutomergeUrl, type AutomergeUrl, type DocumentId, type PeerId } from '@automerge/automerge-repo';
import { BrowserWebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket';
import { accountDocumentsDir, FileAccountStore } from '../../server/accounts.ts';
import { AtomicFSStorageAdapter } from '../../server/doc-storage.ts';
import { syncUrl } from '../../server/relay.ts';
import { tempDir } from '../integration/helpers.ts';
import { conversationDoc } from './conversation-docs.ts';
import { spawnRelay } from './relay-process.ts';

const ACCOUNTS = Number(process.argv[2] ?? 10);
const DOCS = Number(process.argv[3] ?? 2000);
const CONCURRENT = Number(process.argv[4] ?? 2);
const BATCH = 50;
const idleDocMs = Number(process.env.IDLE_DOCUMENT_MS ?? 30_000);
const idleAccountMs = Number(process.env.IDLE_ACCOUNT_MS ?? 120_000);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

async function main(): Promise<void> {
  const tmp = tempDir('memprobe');
  try {
    // Accounts and documents are written straight to disk, as a relay would have stored them.
    const store = new FileAccountStore({ dataDir: tmp.dir });
    const tokens: { id: string; token: string }[] = [];
    for (let a = 0; a < ACCOUNTS; a++) {
      const { account, token } = await store.create(`user${a}`);
      tokens.push({ id: account.id, token });
    }
    const t0 = Date.now();
    const docs: { id: DocumentId; bin: Uint8Array }[] = [];
    for (let i = 0; i < DOCS; i++) {
      const d = conversationDoc(i);
      docs.push({ id: parseAutomergeUrl(generateAutomergeUrl()).documentId, bin: A.save(d) });
      A.free(d);
    }
    for (const { id: accountId } of tokens) {
      const files = new AtomicFSStorageAdapter(accountDocumentsDir(tmp.dir, accountId));
      for (const { id, bin } of docs) await files.save([id, 'snapshot', 'seed'], bin);
    }
    const avg = Math.round(docs.reduce((n, d) => n + d.bin.byteLength, 0) / docs.length);
    console.log(`seeded ${ACCOUNTS} × ${DOCS} documents (${avg} bytes each on disk) in ${Math.round((Date.now() - t0) / 1000)} s`);

    const nodeArgs = (process.env.RELAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const relay = await spawnRelay({ dataDir: tmp.dir, env: { LOG_STATS_MS: '1000' }, nodeArgs });
    if (nodeArgs.length > 0) console.log(`relay node options: ${nodeArgs.join(' ')}`);
    const lastStats = () => [...relay.output().matchAll(/stats: (.*)/g)].at(-1)?.[1] ?? '';
    relayOutput = relay.output;
    const pid = relay.proc.pid!;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 100);
    console.log(`relay started: ${mb(rssKb(pid))}`);

    // One child process per client (a single process applying 20,000 documents is the
    // bottleneck otherwise), CONCURRENT of them fetching at a time; all stay connected.
    const idsFile = path.join(tmp.dir, 'ids.json');
    writeFileSync(idsFile, JSON.stringify(docs.map((d) => d.id)));
    const t1 = Date.now();
    const children = tokens.map(({ token }, a) => fork(fileURLToPath(import.meta.url), ['--client', relay.url, token, idsFile, String(a)], { execArgv: ['--import', 'tsx'] }));
    let done = 0;
    const fetched = children.map((child) => new Promise<void>((resolve, reject) => {
      child.on('message', (m) => {
        if (m !== 'fetched') return;
        console.log(`  client ${++done}/${children.length} has every document (${Math.round((Date.now() - t1) / 1000)} s)`);
        resolve();
      });
      child.on('exit', (code) => reject(new Error(`client exited (${code})`)));
    }));
    const progress = setInterval(() => console.log(`  ${Math.round((Date.now() - t1) / 1000)} s: rss ${mb(rssKb(pid))} (${lastStats()})`), 10_000);
    const queue = [...children];
    await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          c.send('fetch');
          await fetched[children.indexOf(c)];
        }
      }),
    );
    clearInterval(progress);
    console.log(`every client has every document after ${Math.round((Date.now() - t1) / 1000)} s; peak RSS while syncing ${mb(peak)}`);
    console.log(`connected, right after sync: ${mb(rssKb(pid))} (${lastStats()})`);
    await sleep(idleDocMs + 5_000);
    console.log(`connected, after IDLE_DOCUMENT_MS (${idleDocMs} ms): ${mb(rssKb(pid))} (${lastStats()})`);
    for (const c of children) c.send('leave');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await sleep(idleAccountMs + 5_000);
    console.log(`clients gone, after IDLE_ACCOUNT_MS (${idleAccountMs} ms): ${mb(rssKb(pid))} (${lastStats()})`);
    clearInterval(sampler);
    console.log(`peak RSS overall ${mb(peak)}`);
    await relay.kill('SIGTERM');
  } finally {
    tmp.remove();
  }
}

let relayOutput: () => string = () => '';
/** Child process: one client. Waits for 'fetch', fetches every document, reports 'fetched', waits for 'leave'. */
async function client(url: string, token: string, idsFile: string, n: string): Promise<void> {
  const ids = JSON.parse(readFileSync(idsFile, 'utf8')) as DocumentId[];
  const adapter = new BrowserWebSocketClientAdapter(`${syncUrl(url)}?token=${encodeURIComponent(token)}`, 1000);
  const repo = new Repo({ network: [adapter], peerId: `probe-${n}` as PeerId, sharePolicy: async () => true });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  while (repo.peers.length === 0) await sleep(20);
  for (let i = 0; i < ids.length; i += BATCH) {
    // a client starved of CPU misses pings and gets dropped: wait until it is back
    while (repo.peers.length === 0) await sleep(50);
    const handles = await Promise.all(
      ids.slice(i, i + BATCH).map(async (id) => {
        for (;;) {
          try {
            return await repo.find(`automerge:${id}` as AutomergeUrl);
          } catch {
            await repo.removeFromCache(id).catch(() => undefined); // an overloaded machine can time a find out
          }
        }
      }),
    );
    // Keep the client's own memory bounded: drop the documents once received (after the
    // repo's 100 ms sync throttle has run, and detached: see server/account-repos.ts).
    await sleep(300);
    for (const h of handles) {
      h.removeAllListeners('heads-changed');
      h.removeAllListeners('change');
      await repo.removeFromCache(h.documentId);
    }
  }
  process.send?.('fetched');
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  await repo.shutdown();
  process.exit(0);
}

if (process.argv[2] === '--client') {
  const [, , , url = '', token = '', idsFile = '', n = '0'] = process.argv;
  void client(url, token, idsFile, n);
} else main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    console.error(relayOutput().split('\n').slice(-30).join('\n'));
    process.exit(1);
  },
);
