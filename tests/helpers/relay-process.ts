/**
 * Runs the relay as a real child process (`node --import tsx server/main.ts`), for tests that
 * need to signal or kill it. Resolves once it listens; exposes its URL and its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RelayProcess {
  proc: ChildProcess;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGKILLs the process if still running and waits for it to go. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnRelayOptions {
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  env?: Record<string, string>;
  /** Extra node options before the script, e.g. ['--max-semi-space-size=2']. */
  nodeArgs?: string[];
  /** Runs the relay with this soft open-file limit (`ulimit -n`). */
  openFileLimit?: number;
  /** Runs the relay as this user and group (the tests run as root, which file permissions do not stop). */
  uid?: number;
  gid?: number;
}

export async function spawnRelay(opts: SpawnRelayOptions): Promise<RelayProcess> {
  const nodeArgv = [...(opts.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts'];
  const [command, argv] =
    opts.openFileLimit === undefined
      ? [process.execPath, nodeArgv]
      : ['/bin/sh', ['-c', `ulimit -n ${Math.floor(opts.openFileLimit)} && exec "$0" "$@"`, process.execPath, ...nodeArgv]];
  const proc = spawn(command, argv, {
    cwd: ROOT,
    uid: opts.uid,
    gid: opts.gid,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(opts.port ?? 0),
      DATA_DIR: opts.dataDir,
      STATIC_DIR: path.join(opts.dataDir, 'no-client-build'),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  // No deadline: the relay either says it listens or exits (a hang is the test timeout's to catch).
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`relay exited (${code}) before listening:\n${out}`)));
  });
  let url: string;
  try {
    url = await listening;
  } catch (err) {
    proc.kill('SIGKILL');
    throw err;
  }
  return {
    proc,
    url,
    port: Number(new URL(url).port),
    output: () => out,
    exited,
    kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/**
 * Resolves with the first match of `pattern` in the relay's output from offset `from` on
 * (default 0: all of it), as soon as the output holding it arrives; rejects if the relay exits
 * first. No deadline of its own: a relay that never says it is the test timeout's to catch.
 */
export function waitForOutput(relay: RelayProcess, pattern: RegExp, opts: { from?: number } = {}): Promise<RegExpExecArray> {
  const match = (): RegExpExecArray | null => pattern.exec(relay.output().slice(opts.from ?? 0));
  const now = match();
  if (now) return Promise.resolve(now);
  if (relay.proc.exitCode !== null || relay.proc.signalCode !== null) return Promise.reject(new Error(`relay exited before its output matched ${pattern}:\n${relay.output()}`));
  return new Promise((resolve, reject) => {
    const streams = [relay.proc.stdout, relay.proc.stderr];
    const stop = () => {
      for (const s of streams) s?.off('data', onData);
      relay.proc.off('exit', onExit);
    };
    // Listeners run after spawnRelay's own, so output() already holds the chunk.
    const onData = () => {
      const m = match();
      if (m) {
        stop();
        resolve(m);
      }
    };
    const onExit = (code: number | null) => {
      stop();
      reject(new Error(`relay exited (${code}) before its output matched ${pattern}:\n${relay.output()}`));
    };
    for (const s of streams) s?.on('data', onData);
    relay.proc.once('exit', onExit);
  });
}
