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
  timeoutMs?: number;
  /** Extra node options before the script, e.g. ['--max-semi-space-size=2']. */
  nodeArgs?: string[];
}

export async function spawnRelay(opts: SpawnRelayOptions): Promise<RelayProcess> {
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
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
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start:\n${out}`)), opts.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited (${code}) before listening:\n${out}`));
    });
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

/** Waits until the relay's output contains `pattern`, and returns the match. */
export async function waitForOutput(relay: RelayProcess, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = pattern.exec(relay.output());
    if (m) return m;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`relay output did not match ${pattern}:\n${relay.output()}`);
}
