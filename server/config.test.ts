import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, relayOrigin } from './config.ts';

describe('loadConfig', () => {
  it('has defaults', () => {
    expect(loadConfig({}, '/srv/app')).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('/srv/app/data'),
      staticDir: path.resolve('/srv/app/dist'),
      tls: null,
    });
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

describe('relayOrigin', () => {
  it('makes wildcard and IPv6 hosts usable in URLs', () => {
    expect(relayOrigin('0.0.0.0', 8080, false)).toBe('http://127.0.0.1:8080');
    expect(relayOrigin('::1', 443, true)).toBe('https://[::1]:443');
    expect(relayOrigin('relay.lan', 8443, true)).toBe('https://relay.lan:8443');
  });
});
