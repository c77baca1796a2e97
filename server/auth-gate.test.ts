import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hashToken, type Account, type AccountStore } from './accounts.ts';
import { AuthGate, clientAddress } from './auth-gate.ts';

const GOOD = 'g'.repeat(43);
const OLD = 'o'.repeat(43);
const account: Account = { id: 'a'.repeat(24), name: 'alice', workspaceUrl: 'automerge:x', createdAt: 1 };

const store = {
  byToken: async (t: string) => (t === GOOD ? account : null),
  wasRevoked: async (t: string) => t === OLD,
} as unknown as AccountStore;

const limits = { authFailuresBeforeDelay: 2, authFailuresBeforeBlock: 5, authDelayMs: 40, authFailureWindowMs: 60_000, authBlockMs: 300 };

describe('AuthGate', () => {
  it('accepts a valid token with its hash', async () => {
    const gate = new AuthGate(store, limits, () => {});
    expect(await gate.check('1.1.1.1', GOOD)).toEqual({ ok: true, account, tokenHash: hashToken(GOOD) });
  });

  it('slows down, then blocks an address (even for a valid token), then lets it in again', async () => {
    const logs: string[] = [];
    const gate = new AuthGate(store, limits, (l) => logs.push(l));
    const ip = '2.2.2.2';
    const timed = async (token: string | null) => {
      const t = Date.now();
      const r = await gate.check(ip, token);
      return { r, ms: Date.now() - t };
    };
    expect((await timed('nope')).r).toMatchObject({ ok: false, status: 401 });
    expect((await timed(null)).r).toMatchObject({ ok: false, status: 401, reason: 'missing token' });
    const third = await timed('nope');
    expect(third.r).toMatchObject({ status: 401 });
    expect(third.ms).toBeGreaterThanOrEqual(35); // 1 past the threshold × 40 ms
    const fourth = await timed('nope');
    expect(fourth.ms).toBeGreaterThanOrEqual(75); // 2 past × 40 ms
    expect((await timed('nope')).r).toMatchObject({ status: 429, retryAfterS: 1 }); // the 5th failure blocks
    expect((await timed(GOOD)).r).toMatchObject({ status: 429 });
    expect(gate.blockedFor(ip)).toBe(1);
    expect(logs).toEqual(['auth: 2.2.2.2 blocked for 0 s after 5 failed attempts']);
    expect((await gate.check('3.3.3.3', GOOD)).ok).toBe(true); // other addresses are not affected
    await new Promise((r) => setTimeout(r, 320));
    expect((await gate.check(ip, GOOD)).ok).toBe(true);
  });

  it('answers 429 at once to an address while one of its failures is being delayed', async () => {
    const gate = new AuthGate(store, { ...limits, authDelayMs: 200 }, () => {});
    const ip = '4.4.4.4';
    await gate.check(ip, 'x');
    await gate.check(ip, 'x');
    const slow = gate.check(ip, 'x');
    await new Promise((r) => setTimeout(r, 20)); // its answer is now being held back
    const t = Date.now();
    expect(await gate.check(ip, GOOD)).toMatchObject({ status: 429 });
    expect(Date.now() - t).toBeLessThan(100);
    expect(await slow).toMatchObject({ status: 401 });
  });

  it('does not count revoked tokens as guesses', async () => {
    const gate = new AuthGate(store, limits, () => {});
    for (let i = 0; i < 20; i++) expect(await gate.check('5.5.5.5', OLD)).toEqual({ ok: false, status: 401, reason: 'token revoked' });
    expect((await gate.check('5.5.5.5', GOOD)).ok).toBe(true);
  });

  it('takes the client address from the socket, or behind a trusted proxy from X-Forwarded-For', () => {
    const req = (remote: string, xff?: string) => ({ socket: { remoteAddress: remote }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;
    expect(clientAddress(req('::ffff:10.0.0.1'), false)).toBe('10.0.0.1');
    expect(clientAddress(req('10.0.0.1', '1.2.3.4'), false)).toBe('10.0.0.1');
    expect(clientAddress(req('10.0.0.1', 'spoofed, 1.2.3.4'), true)).toBe('1.2.3.4');
    expect(clientAddress(req('10.0.0.1', ''), true)).toBe('10.0.0.1');
  });
});
