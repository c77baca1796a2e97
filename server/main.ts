/**
 * Entry point of `npm run relay` (and of `npm start`, after the build).
 * Configuration comes from the environment: see config.ts.
 *
 * First start (no accounts.json yet): creates the account "default" and prints its pairing
 * link once — the link carries the token, which is stored only hashed and cannot be shown
 * again. SIGTERM/SIGINT: stop accepting, close sockets and every account's log, exit 0.
 *
 * Log lines never contain tokens, request URLs or anything a device uploaded (only account
 * names, client addresses, counts and error messages of the relay's own making).
 */
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import { AccountStoreError, accountsFilePath, pairingLink } from './accounts.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirError } from './data-dir.ts';
import { startRelay, syncUrl, type Relay } from './relay.ts';

/** Stop waiting for a clean shutdown after this long (a stuck disk, say) and exit non-zero. */
const SHUTDOWN_TIMEOUT_MS = 15_000;

const log = (line: string): void => console.log(`${new Date().toISOString()} ${line}`);

function lanAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => a !== undefined && a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

function handleSignals(relay: Relay): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: shutting down`);
    setTimeout(() => {
      log('shutdown timed out');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    relay.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/**
 * Last line of defence: in Node an unhandled rejection ends the process, and with it every
 * device's connection. Nothing acknowledged depends on a stray promise (every acknowledgement
 * waits for its own fsync), so the relay logs it and keeps serving. Only the error's name and
 * message: never the objects a library may attach to it.
 */
function keepServingOnStrayRejections(): void {
  let logged = 0;
  process.on('unhandledRejection', (reason: unknown) => {
    if (logged++ >= 100) return; // a storm of them would only flood the log
    const what = reason instanceof Error ? `${reason.name}: ${reason.message}` : typeof reason;
    log(`unhandled rejection (ignored): ${what.slice(0, 300)}`);
  });
}

/** LOG_STATS_MS > 0: one line of memory and load figures at that interval (for operators and benchmarks). */
function logStatsEvery(relay: Relay, ms: number): void {
  const mb = (n: number) => Math.round(n / 1024 / 1024);
  setInterval(() => {
    void relay.stats().then((s) => {
      const m = process.memoryUsage();
      log(
        `stats: rss ${mb(m.rss)} MB, js heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} MB, buffers ${mb(m.external)} MB; ` +
          `${s.accounts.length} account(s) open, ${s.openSockets} socket(s), ${s.connections.open} connection(s)`,
      );
    });
  }, ms).unref();
}

async function main(): Promise<void> {
  const config = loadConfig();
  keepServingOnStrayRejections();
  const noAccountsFile = !(await fsp.stat(accountsFilePath(config.dataDir)).catch(() => null));
  const relay = await startRelay({ ...config, log });
  // With a database, the first relay to find it without accounts makes "default" (another relay
  // starting at the same moment loses the race and just goes on).
  const firstStart = config.databaseUrl ? (await relay.accounts.list()).length === 0 : noAccountsFile;
  handleSignals(relay);
  const statsMs = Number(process.env.LOG_STATS_MS ?? 0);
  if (Number.isFinite(statsMs) && statsMs > 0) logStatsEvery(relay, statsMs);

  const made = !firstStart
    ? null
    : await relay.accounts.create('default').catch((err: unknown) => {
        if (err instanceof AccountStoreError && err.code === 'duplicate-name') return null;
        throw err;
      });
  if (made) {
    const { token, account } = made;
    console.log(
      [
        '',
        `First start: created the account "${account.name}". To connect a first device, open this pairing link on it`,
        '(it contains the account token: keep it private; it is shown only now):',
        '',
        `  ${pairingLink(relay.url, syncUrl(relay.url), token, account.workspaceUrl)}`,
        '',
        'That device makes the workspace key, which never reaches the relay: pair your other devices with the link',
        "or QR code in that device's Settings › Sync.",
        '',
      ].join('\n'),
    );
  } else {
    const n = (await relay.accounts.list()).length;
    console.log(`${n} account${n === 1 ? '' : 's'}. Add one with: npm run account -- add <name>`);
  }
  if (config.host === '0.0.0.0' || config.host === '::') {
    const ips = lanAddresses();
    if (ips.length > 0) console.log(`Other devices reach this relay at: ${ips.map((ip) => relay.url.replace('127.0.0.1', ip).replace('[::1]', ip)).join(', ')}`);
  }
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof ConfigError) console.error(`Configuration error: ${err.message}`);
  else if (err instanceof DataDirError) console.error(`Relay failed to start: ${err.message}`);
  else if (e.code === 'EADDRINUSE') console.error(`Port already in use (${e.message}); set PORT to another port.`);
  else if (e.code === 'EACCES') console.error(`Permission denied: ${e.message}`);
  else console.error(`Relay failed to start: ${e instanceof Error ? e.message : String(err)}`);
  process.exit(1);
});
