/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, `postgres` on a
 * free TCP port of 127.0.0.1 (and a unix socket in that folder), torn down with its folder.
 * Never the system cluster. PostgreSQL refuses to run as root, so when the tests run as root the
 * cluster runs as the `postgres` system user (Debian's package makes it), else as the caller.
 *
 * stop()/start() stop and start the same cluster (same data, same port): how tests make the
 * database briefly unreachable.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface PgCluster {
  /** postgres://… for the cluster's `atelier` database */
  url: string;
  port: number;
  /** Stops the server (fast shutdown: connections are cut) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and deletes its folder. */
  destroy(): Promise<void>;
  /** A fresh, empty database in this cluster (for test isolation); returns its URL. */
  createDatabase(name: string): string;
}

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql), or set PG_BIN');
  return path.join(root, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** uid/gid to run PostgreSQL as: the `postgres` user when we are root. */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'atelier-pg-'));
  const data = path.join(dir, 'data');
  const user = runAs();
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  execFileSync(path.join(bin, 'initdb'), ['-D', data, '-U', 'atelier', '--auth=trust', '-E', 'UTF8', '--no-instructions'], {
    ...ids,
    stdio: 'pipe',
  });
  const port = await freePort();
  let proc: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    const args = ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=200'];
    const p = spawn(path.join(bin, 'postgres'), args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    let out = '';
    // Ready when the server says so (or gone when it exits first).
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes('ready to accept connections')) resolve();
      };
      p.stdout?.on('data', onData);
      p.stderr?.on('data', onData);
      void exited.then(() => reject(new Error(`postgres exited before it was ready:\n${out}`)));
    });
  };

  const stop = async (): Promise<void> => {
    const p = proc;
    proc = null;
    if (!p || p.exitCode !== null) return;
    p.kill('SIGINT'); // fast shutdown: every session is cut, as when a database host goes away
    await exited;
  };

  await start();
  const psql = (db: string, sql: string) =>
    execFileSync(path.join(bin, 'psql'), ['-h', dir, '-p', String(port), '-U', 'atelier', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { ...ids, stdio: 'pipe' });
  psql('postgres', 'CREATE DATABASE atelier');
  const urlOf = (db: string) => `postgres://atelier@127.0.0.1:${port}/${db}`;

  return {
    url: urlOf('atelier'),
    port,
    stop,
    start,
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    createDatabase: (name) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      psql('postgres', `CREATE DATABASE ${name}`);
      return urlOf(name);
    },
  };
}
