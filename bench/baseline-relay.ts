/**
 * The reference design the issue compares our relay with: a plain automerge-repo sync server
 * built from the same packages, as automerge-repo's own sync-server example does it — a `ws`
 * WebSocketServer, WebSocketServerAdapter, NodeFSStorageAdapter, `sharePolicy` false.
 * No accounts, no token, no frame guard, no persist-before-acknowledge; one Repo for everyone.
 * Clients connect to ws://HOST:PORT/ (any path) without a token.
 *
 * Run on its own (the harness compiles it and runs it as a child process exactly as it runs our
 * relay: bench/lib/procs.ts):
 *   PORT=0 HOST=127.0.0.1 DATA_DIR=/tmp/x node --import tsx bench/baseline-relay.ts
 * It prints "listening on http://HOST:PORT" once ready and flushes on SIGTERM/SIGINT.
 */
import http from 'node:http';
import { mkdirSync, realpathSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Repo, type PeerId } from '@automerge/automerge-repo';
import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket';
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs';
import { WebSocketServer } from 'ws';

export interface BaselineRelay {
  url: string;
  port: number;
  repo: Repo;
  close(): Promise<void>;
}

export async function startBaselineRelay(opts: { port: number; host: string; dataDir: string }): Promise<BaselineRelay> {
  mkdirSync(opts.dataDir, { recursive: true });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('automerge-repo sync server\n');
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });
  const repo = new Repo({
    // Same `ws` class; isomorphic-ws merely types it through a different declaration.
    network: [new WebSocketServerAdapter(wss as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0])],
    storage: new NodeFSStorageAdapter(opts.dataDir),
    peerId: 'baseline-relay' as PeerId,
    sharePolicy: async () => false,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host}:${port}`,
    port,
    repo,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await repo.flush().catch(() => undefined);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Real paths: the compiled file is reached through the node_modules symlink of a worktree.
const isMain = process.argv[1] !== undefined && realpathSync(path.resolve(process.argv[1])) === realpathSync(fileURLToPath(import.meta.url));
if (isMain) {
  const relay = await startBaselineRelay({
    port: Number(process.env.PORT ?? 0),
    host: process.env.HOST ?? '127.0.0.1',
    dataDir: path.resolve(process.env.DATA_DIR ?? 'baseline-data'),
  });
  console.log(`listening on ${relay.url}`);
  const stop = () => {
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
