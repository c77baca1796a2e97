/**
 * Relays under test run as child processes, so their CPU and memory are their own and the
 * clients in this process do not share their event loop. Both run the same way, as `npm start`
 * runs ours: compiled to one file by server/relay-build.mjs (same esbuild options), with the
 * relay's node options and environment (RELAY_NODE_OPTIONS, relayEnv):
 *   ours      server/main.ts      (env PORT, HOST, DATA_DIR, STATIC_DIR, + whatever a figure adds)
 *   baseline  bench/baseline-relay.ts, the reference automerge-repo sync server (env PORT, HOST, DATA_DIR)
 * Every spawned process is tracked and killed by `killAll` (run.ts calls it on every exit path).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT, sleep, type Cleanups } from './common.ts';
import { compileRelay, RELAY_NODE_OPTIONS, relayEnv } from '../../server/relay-build.mjs';

export type RelayKind = 'ours' | 'baseline';

export interface RelayProc {
  kind: RelayKind;
  pid: number;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** the WebSocket URL a client syncs with (ours: /sync, the token goes in the hello frame) */
  syncUrl(): string;
  output(): string;
  /** resident set size now, in MB (VmRSS of /proc/PID/status) */
  rssMb(): number;
  /** user + system CPU time so far, in seconds */
  cpuSeconds(): number;
  /** SIGTERM (clean shutdown, flush), SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();

const ENTRIES: Record<RelayKind, string> = {
  ours: path.join(ROOT, 'server', 'main.ts'),
  baseline: path.join(ROOT, 'bench', 'baseline-relay.ts'),
};

/** Each relay compiled once per bench process (files of their own: `npm start` may be running). */
const compiledFile = (kind: RelayKind) => path.join(ROOT, 'node_modules', '.cache', 'atelier', `${kind}-relay-bench-${process.pid}.mjs`);
const compiled = new Map<RelayKind, Promise<string>>();
function compiledRelay(kind: RelayKind): Promise<string> {
  let p = compiled.get(kind);
  if (!p) compiled.set(kind, (p = compileRelay(ROOT, compiledFile(kind), ENTRIES[kind])));
  return p;
}

export function killAll(): void {
  for (const p of live) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
  // Synchronous: killAll runs on exit paths, where nothing asynchronous completes.
  for (const kind of compiled.keys()) {
    rmSync(compiledFile(kind), { force: true });
    rmSync(`${compiledFile(kind)}.map`, { force: true });
  }
  compiled.clear();
}

export function readRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) / 1024;
}

const CLK_TCK = 100; // getconf CLK_TCK on Linux

export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name may contain spaces: fields start after the closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / CLK_TCK;
}

export interface SpawnOptions {
  dataDir: string;
  /** ours only: the built client to serve */
  staticDir?: string;
  env?: Record<string, string>;
  /** extra node flags, e.g. ['--cpu-prof'] when diagnosing */
  nodeArgs?: string[];
  timeoutMs?: number;
}

export async function spawnRelay(kind: RelayKind, opts: SpawnOptions): Promise<RelayProc> {
  // BENCH_RELAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles every relay of a run.
  const nodeArgs = opts.nodeArgs ?? (process.env.BENCH_RELAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const command = [...RELAY_NODE_OPTIONS, ...nodeArgs, await compiledRelay(kind)];
  const proc = spawn(process.execPath, command, {
    cwd: ROOT,
    env: {
      // the environment `npm start` gives the relay (server/relay-build.mjs), for both
      ...relayEnv(process.env),
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: opts.dataDir,
      STATIC_DIR: opts.staticDir ?? path.join(opts.dataDir, 'no-client-build'),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  let out = '';
  const keep = (chunk: Buffer) => {
    out += chunk.toString();
    // the relay logs every connection; keep the tail only
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      live.delete(proc);
      resolve();
    }),
  );
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let url: string | null = null;
  while (Date.now() < deadline) {
    const m = /listening on (https?:\/\/[^\s)]+)/.exec(out);
    if (m?.[1]) {
      url = m[1];
      break;
    }
    if (proc.exitCode !== null || proc.signalCode !== null) break;
    await sleep(20);
  }
  if (!url || proc.pid === undefined) {
    proc.kill('SIGKILL');
    throw new Error(`${kind} relay did not start:\n${out}`);
  }
  const pid = proc.pid;
  const port = Number(new URL(url).port);
  const wsBase = url.replace(/^http/, 'ws');
  return {
    kind,
    pid,
    url,
    port,
    syncUrl: () => (kind === 'ours' ? `${wsBase}/sync` : `${wsBase}/`),
    output: () => out,
    rssMb: () => readRssMb(pid),
    cpuSeconds: () => readCpuSeconds(pid),
    stop: async (graceMs = 15_000) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Samples a relay's RSS every `everyMs` until `cleanups` run; the returned function reads the peak so far. */
export function trackPeakRss(relay: RelayProc, cleanups: Cleanups, everyMs: number, start = relay.rssMb()): () => number {
  let peak = start;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, relay.rssMb());
    } catch {
      /* exited */
    }
  }, everyMs);
  cleanups.add(() => clearInterval(timer));
  return () => peak;
}
