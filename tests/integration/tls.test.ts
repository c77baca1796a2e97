/**
 * With TLS_CERT/TLS_KEY the relay serves https:// and wss://, with HSTS (checked with a throwaway
 * self-signed certificate; skipped where no openssl binary exists).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRelay, syncUrl } from '../../server/relay.ts';
import { tempDir } from './helpers.ts';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('TLS', () => {
  it.skipIf(!hasOpenssl())('serves https and wss', async () => {
    const tmp = tempDir('tls');
    const cert = path.join(tmp.dir, 'cert.pem');
    const key = path.join(tmp.dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    const ca = readFileSync(cert);
    const relay = await startRelay({ port: 0, host: '127.0.0.1', dataDir: path.join(tmp.dir, 'data'), staticDir: null, tls: { cert, key }, log: () => {} });
    try {
      expect(relay.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const body = await new Promise<string>((resolve, reject) => {
        https.get(`${relay.url}/healthz`, { ca }, (res) => {
          let out = '';
          res.on('data', (d: Buffer) => (out += d.toString()));
          res.on('end', () => resolve(out));
        }).on('error', reject);
      });
      expect(JSON.parse(body)).toEqual({ ok: true });
      const hsts = await new Promise<string | undefined>((resolve, reject) => {
        https.get(`${relay.url}/`, { ca }, (res) => {
          resolve(res.headers['strict-transport-security'] as string | undefined);
          res.resume();
        }).on('error', reject);
      });
      expect(hsts).toBe('max-age=31536000');

      const { token } = await relay.accounts.create('alice');
      expect(syncUrl(relay.url)).toMatch(/^wss:/);
      const ws = new WebSocket(`${syncUrl(relay.url)}?token=${encodeURIComponent(token)}`, { ca });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.close();
    } finally {
      await relay.close();
      tmp.remove();
    }
  });
});
