/**
 * Relay configuration, read from the environment once at start-up.
 *
 * Where and how it listens:
 *   PORT        TCP port to listen on (default 8080; 0 picks a free port).
 *   HOST        interface to bind (default 127.0.0.1; use 0.0.0.0 to reach the relay from
 *               phones on the LAN).
 *   DATA_DIR    where accounts.json and each account's encrypted log live (default ./data);
 *               the relay refuses to start if it cannot write there.
 *   DATABASE_URL postgres://user:password@host:port/database: accounts, tokens and every
 *               account's chunk log live in PostgreSQL instead of DATA_DIR, so several relay
 *               processes (on one or many machines) can serve the same accounts behind a load
 *               balancer (README: "Running several relays"). Unset (the default): local files.
 *   PRESENCE_HEARTBEAT_MS with DATABASE_URL: how often each relay re-announces how many sockets
 *               of each account it holds (default 20000); a relay silent for 3 of them (killed)
 *               stops counting in presence. Use the same value on every relay of a database.
 *   STATIC_DIR  the built client to serve (default ./dist, produced by `npm run build`).
 *   TLS_CERT    path to a PEM certificate chain } when both are set the relay serves
 *   TLS_KEY     path to the PEM private key      } https:// and wss:// instead of http/ws
 *               (and sends Strict-Transport-Security).
 *   TRUST_PROXY 1/true when the relay sits behind a reverse proxy: the client address used by
 *               the per-address limits below is then the last X-Forwarded-For entry
 *               (default off: the TCP peer address; behind a proxy without this setting, every
 *               client shares the proxy's address and its limits).
 *
 * Limits (0 = no limit). Sizes accept a K, M or G suffix (binary: 1K = 1024 bytes).
 *   MAX_ACCOUNT_BYTES           bytes one account may store (default 2G): an upload that would
 *                               pass it is refused (`nack quota`, then the socket is closed with
 *                               4507 "account storage limit reached"). What is stored stays
 *                               readable and is never removed.
 *   MAX_BYTES_IN_FLIGHT         bytes of one account's uploads and downloads held in the relay's
 *                               memory at once (default 64M): past it that account's sockets are
 *                               paused until its data is on disk or sent, so one account cannot
 *                               grow the relay's memory (a frame is at most 1.5 MB: larger
 *                               chunks travel in parts). At least 4M.
 *   DROPPED_GRACE_MS            chunks a device's snapshot replaced stay on disk, recoverable with
 *                               `npm run account -- recover <name>`, for this long before they are
 *                               reclaimed (default 604800000: 7 days).
 *   MAX_CONNECTIONS_PER_ACCOUNT sockets open at once per account (default 50); one more is
 *                               closed right after the upgrade with 4429 and a reason.
 *   MAX_CONNECTIONS_PER_IP      TCP connections open at once per client address: plain HTTP and
 *                               sync sockets alike (default 100). One more gets "429 Too many
 *                               connections from this address" and is closed before anything is
 *                               read. Behind a proxy (TRUST_PROXY) every connection comes from the
 *                               proxy, so this cap is left to the proxy (nginx: limit_conn).
 *   MAX_OPEN_CONNECTIONS        TCP connections open at once in all (default 10000), and never
 *                               more than three quarters of the process's open-file limit (read
 *                               from /proc/self/limits), so the log, accounts.json and the app's
 *                               files can always be opened. At the cap, a new connection closes
 *                               the longest-idle plain HTTP connection (one with no request in
 *                               progress); when there is none, the new one is closed at once.
 *   HEADERS_TIMEOUT_MS          a connection must send a request's headers within this time of
 *                               opening (or of its previous response): default 10000.
 *   REQUEST_TIMEOUT_MS          a whole request (headers and body) must arrive within this time:
 *                               default 60000. Both answer 408 and close.
 *   IDLE_CONNECTION_MS          a connection with no traffic for this long, in the middle of a
 *                               request or response, is closed (default 30000); between requests
 *                               a keep-alive connection is closed after 5 s. Sync sockets have
 *                               their own keepalive (pings) instead.
 *
 * Failed tokens (per client address, counted over AUTH_FAILURE_WINDOW_MS; a token that was
 * valid and has been rotated or removed does not count as a guess). A valid token is never
 * delayed or refused, whatever its address did (auth-gate.ts):
 *   AUTH_FAILURES_BEFORE_DELAY  failures answered at once (default 5; 0 = no slowing down);
 *                               each further failure is answered after AUTH_DELAY_MS × (failures
 *                               past this), at most 10 s, one address's slow answers one after
 *                               the other; more than 16 waiting get 429 + Retry-After at once.
 *   AUTH_DELAY_MS               default 1000.
 *   AUTH_FAILURE_WINDOW_MS      default 600000 (10 minutes).
 *
 * Diagnostics:
 *   LOG_STATS_MS                when > 0, logs memory (RSS, JS heap, buffers) and load (accounts
 *                               open, sockets, connections) at this interval (default 0: off).
 *   The relay's log lines never contain tokens, request URLs or anything a device uploaded.
 *
 * Relative paths are resolved against the current working directory.
 */
import path from 'node:path';
import { DEFAULT_PRESENCE_HEARTBEAT_MS } from './pg/presence-bridge.ts';

export interface RelayLimits {
  maxAccountBytes: number;
  maxConnectionsPerAccount: number;
  maxConnectionsPerIp: number;
  /** before the open-file limit's own cap (see effectiveMaxConnections) */
  maxOpenConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleConnectionMs: number;
  authFailuresBeforeDelay: number;
  authDelayMs: number;
  authFailureWindowMs: number;
}

export const DEFAULT_LIMITS: Readonly<RelayLimits> = {
  maxAccountBytes: 2 * 1024 * 1024 * 1024,
  maxConnectionsPerAccount: 50,
  maxConnectionsPerIp: 100,
  maxOpenConnections: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  idleConnectionMs: 30_000,
  authFailuresBeforeDelay: 5,
  authDelayMs: 1_000,
  authFailureWindowMs: 10 * 60_000,
};

export const DEFAULT_BYTES_IN_FLIGHT = 64 * 1024 * 1024;
export const DEFAULT_DROPPED_GRACE_MS = 7 * 24 * 3600_000;

export interface RelayConfig {
  port: number;
  host: string;
  dataDir: string;
  staticDir: string;
  tls: { cert: string; key: string } | null;
  trustProxy: boolean;
  limits: RelayLimits;
  /** per account (MAX_BYTES_IN_FLIGHT) */
  maxBytesInFlight: number;
  droppedGraceMs: number;
  /** DATABASE_URL, or null for the local-files store */
  databaseUrl: string | null;
  /** PRESENCE_HEARTBEAT_MS */
  presenceHeartbeatMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Empty strings count as unset, so `PORT= npm run relay` behaves like no PORT at all. */
function read(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

export function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError(`PORT must be a number from 0 to 65535, got "${raw}"`);
  }
  return Number(raw);
}

/** A whole number ≥ 0 (0 = no limit where the variable says so). */
export function parseCount(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,15}$/.test(raw)) throw new ConfigError(`${name} must be a whole number ≥ 0, got "${raw}"`);
  return Number(raw);
}

const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Bytes, with an optional K/M/G/T suffix (binary multiples; "KB", "KiB" and "K" are the same). */
export function parseSize(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(raw);
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase()];
  if (!m || unit === undefined) throw new ConfigError(`${name} must be a size in bytes such as 500M or 2G, got "${raw}"`);
  const bytes = Math.floor(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes)) throw new ConfigError(`${name} is too large: "${raw}"`);
  return bytes;
}

function parseBool(name: string, raw: string | undefined): boolean {
  if (raw === undefined) return false;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name} must be 1/true or 0/false, got "${raw}"`);
}

export function loadLimits(env: Env = process.env): RelayLimits {
  const d = DEFAULT_LIMITS;
  return {
    maxAccountBytes: parseSize('MAX_ACCOUNT_BYTES', read(env, 'MAX_ACCOUNT_BYTES'), d.maxAccountBytes),
    maxConnectionsPerAccount: parseCount('MAX_CONNECTIONS_PER_ACCOUNT', read(env, 'MAX_CONNECTIONS_PER_ACCOUNT'), d.maxConnectionsPerAccount),
    maxConnectionsPerIp: parseCount('MAX_CONNECTIONS_PER_IP', read(env, 'MAX_CONNECTIONS_PER_IP'), d.maxConnectionsPerIp),
    maxOpenConnections: parseCount('MAX_OPEN_CONNECTIONS', read(env, 'MAX_OPEN_CONNECTIONS'), d.maxOpenConnections),
    headersTimeoutMs: parseCount('HEADERS_TIMEOUT_MS', read(env, 'HEADERS_TIMEOUT_MS'), d.headersTimeoutMs),
    requestTimeoutMs: parseCount('REQUEST_TIMEOUT_MS', read(env, 'REQUEST_TIMEOUT_MS'), d.requestTimeoutMs),
    idleConnectionMs: parseCount('IDLE_CONNECTION_MS', read(env, 'IDLE_CONNECTION_MS'), d.idleConnectionMs),
    authFailuresBeforeDelay: parseCount('AUTH_FAILURES_BEFORE_DELAY', read(env, 'AUTH_FAILURES_BEFORE_DELAY'), d.authFailuresBeforeDelay),
    authDelayMs: parseCount('AUTH_DELAY_MS', read(env, 'AUTH_DELAY_MS'), d.authDelayMs),
    authFailureWindowMs: parseCount('AUTH_FAILURE_WINDOW_MS', read(env, 'AUTH_FAILURE_WINDOW_MS'), d.authFailureWindowMs),
  };
}

/** The one limit that cannot be off: without it one account could grow the relay's memory at will. */
function parseBytesInFlight(raw: string | undefined): number {
  const bytes = parseSize('MAX_BYTES_IN_FLIGHT', raw, DEFAULT_BYTES_IN_FLIGHT);
  if (bytes < 4 * 1024 * 1024) throw new ConfigError(`MAX_BYTES_IN_FLIGHT must be at least 4M (a few frames), got "${raw}"`);
  return bytes;
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): RelayConfig {
  const cert = read(env, 'TLS_CERT');
  const key = read(env, 'TLS_KEY');
  // Half a TLS configuration is almost always a typo; silently falling back to plain http
  // would hand out ws:// pairing links the user did not intend.
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError('Set both TLS_CERT and TLS_KEY (or neither)');
  }
  return {
    port: parsePort(read(env, 'PORT'), 8080),
    host: read(env, 'HOST') ?? '127.0.0.1',
    dataDir: path.resolve(cwd, read(env, 'DATA_DIR') ?? 'data'),
    staticDir: path.resolve(cwd, read(env, 'STATIC_DIR') ?? 'dist'),
    tls: cert !== undefined && key !== undefined ? { cert: path.resolve(cwd, cert), key: path.resolve(cwd, key) } : null,
    trustProxy: parseBool('TRUST_PROXY', read(env, 'TRUST_PROXY')),
    limits: loadLimits(env),
    maxBytesInFlight: parseBytesInFlight(read(env, 'MAX_BYTES_IN_FLIGHT')),
    droppedGraceMs: parseCount('DROPPED_GRACE_MS', read(env, 'DROPPED_GRACE_MS'), DEFAULT_DROPPED_GRACE_MS),
    databaseUrl: parseDatabaseUrl(read(env, 'DATABASE_URL')),
    presenceHeartbeatMs: parsePresenceHeartbeat(read(env, 'PRESENCE_HEARTBEAT_MS')),
  };
}

function parsePresenceHeartbeat(raw: string | undefined): number {
  const ms = parseCount('PRESENCE_HEARTBEAT_MS', raw, DEFAULT_PRESENCE_HEARTBEAT_MS);
  if (ms < 10) throw new ConfigError(`PRESENCE_HEARTBEAT_MS must be at least 10, got "${raw ?? ''}"`);
  return ms;
}

export function parseDatabaseUrl(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL must be a URL like postgres://user:password@host:5432/database');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql:// (got ${u.protocol}//…)`);
  }
  return raw;
}

/** The soft "Max open files" of a /proc/<pid>/limits text; null when absent or unlimited. */
export function parseOpenFileLimit(limitsText: string): number | null {
  const m = /^Max open files\s+(\S+)/m.exec(limitsText);
  if (!m?.[1] || !/^\d+$/.test(m[1])) return null;
  return Number(m[1]);
}

/**
 * Open connections allowed: the configured cap (0 = none), and at most three quarters of the
 * open-file limit: every connection is a file descriptor, and the relay must keep some for its
 * log, accounts.json and the app's files (at 1,024 that leaves 256).
 */
export function effectiveMaxConnections(configured: number, openFileLimit: number | null): number {
  const byFiles = openFileLimit === null ? Infinity : Math.max(1, Math.floor((openFileLimit * 3) / 4));
  const cap = Math.min(configured > 0 ? configured : Infinity, byFiles);
  return Number.isFinite(cap) ? cap : 0;
}

/** A host usable in a URL: wildcard binds are reached through loopback, IPv6 literals need brackets. */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/** The relay's http(s) origin for a bound host and port, e.g. http://127.0.0.1:8080. */
export function relayOrigin(host: string, port: number, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://${urlHost(host)}:${port}`;
}
