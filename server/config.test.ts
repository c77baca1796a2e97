import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BYTES_IN_FLIGHT, DEFAULT_DROPPED_GRACE_MS, DEFAULT_LIMITS, effectiveMaxConnections, loadConfig, parseOpenFileLimit, parseSize, relayOrigin } from './config.ts';

describe('loadConfig', () => {
  it('has defaults', () => {
    expect(loadConfig({}, '/srv/app')).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('/srv/app/data'),
      staticDir: path.resolve('/srv/app/dist'),
      tls: null,
      trustProxy: false,
      limits: DEFAULT_LIMITS,
      maxBytesInFlight: DEFAULT_BYTES_IN_FLIGHT,
      droppedGraceMs: DEFAULT_DROPPED_GRACE_MS,
      databaseUrl: null,
      presenceHeartbeatMs: 20_000,
    });
  });

  it('takes a PostgreSQL DATABASE_URL and refuses anything else with a sentence', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://relay:pw@db:5432/atelier' }).databaseUrl).toBe('postgres://relay:pw@db:5432/atelier');
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/atelier' })).toThrow(/must start with postgres:\/\//);
    expect(() => loadConfig({ DATABASE_URL: 'db:5432' })).toThrow(/DATABASE_URL must/);
  });

  it('reads limits and idle timeouts, with size suffixes', () => {
    const c = loadConfig({
      MAX_ACCOUNT_BYTES: '1.5G',
      MAX_BYTES_IN_FLIGHT: '16M',
      DROPPED_GRACE_MS: '3600000',
      MAX_CONNECTIONS_PER_IP: '0',
      AUTH_DELAY_MS: '1000',
      MAX_OPEN_CONNECTIONS: '500',
      HEADERS_TIMEOUT_MS: '2000',
      REQUEST_TIMEOUT_MS: '3000',
      IDLE_CONNECTION_MS: '4000',
      TRUST_PROXY: 'true',
    });
    expect(c.limits).toMatchObject({ maxAccountBytes: 1.5 * 1024 ** 3, maxConnectionsPerIp: 0, authDelayMs: 1000 });
    expect(c.limits).toMatchObject({ maxOpenConnections: 500, headersTimeoutMs: 2000, requestTimeoutMs: 3000, idleConnectionMs: 4000 });
    expect(c).toMatchObject({ maxBytesInFlight: 16 * 1024 * 1024, droppedGraceMs: 3_600_000 });
    expect(c.trustProxy).toBe(true);
    expect(parseSize('X', '512', 0)).toBe(512);
    expect(parseSize('X', '64KiB', 0)).toBe(65536);
    expect(parseSize('X', '2 mb', 0)).toBe(2 * 1024 * 1024);
  });

  it('rejects malformed limits with the variable name', () => {
    expect(() => loadConfig({ MAX_ACCOUNT_BYTES: 'lots' })).toThrow(/MAX_ACCOUNT_BYTES/);
    expect(() => loadConfig({ MAX_CONNECTIONS_PER_IP: '-1' })).toThrow(/MAX_CONNECTIONS_PER_IP/);
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '1.5' })).toThrow(/HEADERS_TIMEOUT_MS/);
    expect(() => loadConfig({ MAX_BYTES_IN_FLIGHT: '0' })).toThrow(/MAX_BYTES_IN_FLIGHT/);
    expect(() => loadConfig({ TRUST_PROXY: 'maybe' })).toThrow(/TRUST_PROXY/);
  });

  it('reads the environment', () => {
    const c = loadConfig({ PORT: '0', HOST: '0.0.0.0', DATA_DIR: '/var/atelier', TLS_CERT: 'c.pem', TLS_KEY: 'k.pem' }, '/srv');
    expect(c).toMatchObject({ port: 0, host: '0.0.0.0', dataDir: '/var/atelier', tls: { cert: '/srv/c.pem', key: '/srv/k.pem' } });
  });

  it('rejects a bad port and half a TLS configuration', () => {
    expect(() => loadConfig({ PORT: 'http' })).toThrow(/PORT/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ TLS_CERT: 'c.pem' })).toThrow(/TLS_KEY/);
  });
});

describe('connection cap', () => {
  const limits = [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max cpu time              unlimited            unlimited            seconds   ',
    'Max open files            1024                 524288               files     ',
  ].join('\n');

  it('reads the soft open-file limit of /proc/self/limits', () => {
    expect(parseOpenFileLimit(limits)).toBe(1024);
    expect(parseOpenFileLimit(limits.replace('1024  ', 'unlimited'))).toBeNull();
    expect(parseOpenFileLimit('')).toBeNull();
  });

  it('keeps open connections to three quarters of the open-file limit, below the configured cap', () => {
    expect(effectiveMaxConnections(10_000, 1024)).toBe(768);
    expect(effectiveMaxConnections(500, 1024)).toBe(500);
    expect(effectiveMaxConnections(0, 1024)).toBe(768);
    expect(effectiveMaxConnections(10_000, null)).toBe(10_000);
    expect(effectiveMaxConnections(0, null)).toBe(0);
  });
});

describe('relayOrigin', () => {
  it('makes wildcard and IPv6 hosts usable in URLs', () => {
    expect(relayOrigin('0.0.0.0', 8080, false)).toBe('http://127.0.0.1:8080');
    expect(relayOrigin('::1', 443, true)).toBe('https://[::1]:443');
    expect(relayOrigin('relay.lan', 8443, true)).toBe('https://relay.lan:8443');
  });
});
