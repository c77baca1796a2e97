/**
 * Relay configuration, read from the environment once at start-up.
 *
 *   PORT        TCP port to listen on (default 8080; 0 picks a free port).
 *   HOST        interface to bind (default 127.0.0.1; use 0.0.0.0 to reach the relay from
 *               phones on the LAN).
 *   DATA_DIR    where accounts.json and each account's documents live (default ./data).
 *   STATIC_DIR  the built client to serve (default ./dist, produced by `npm run build`).
 *   TLS_CERT    path to a PEM certificate chain } when both are set the relay serves
 *   TLS_KEY     path to the PEM private key      } https:// and wss:// instead of http/ws.
 *
 * Relative paths are resolved against the current working directory.
 */
import path from 'node:path';

export interface RelayConfig {
  port: number;
  host: string;
  dataDir: string;
  staticDir: string;
  tls: { cert: string; key: string } | null;
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
  };
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
