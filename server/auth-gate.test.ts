import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hashToken, type Account, type AccountStore } from './accounts.ts';
import { ManualClock } from '../tests/helpers/manual-clock.ts';
import { AuthGate, clientAddress } from './auth-gate.ts';

const GOOD = 'g'.repeat(43);
const OLD = 'o'.repeat(43);
const account: Account = { id: 'a'.repeat(24), name: 'alice', workspaceUrl: 'automerge:x', keyId: null, createdAt: 1 };

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
    const clock = new ManualClock({ autoAdvance: true });
    const gate = new AuthGate(store, limits, (l) => logs.push(l), clock);
    const ip = '2.2.2.2';
    expect(await gate.check(ip, 'nope')).toMatchObject({ ok: false, status: 401 });
    expect(await gate.check(ip, null)).toMatchObject({ ok: false, status: 401, reason: 'missing token' });
    expect(clock.sleeps).toEqual([]); // the first failures are answered at once
    expect(await gate.check(ip, 'nope')).toMatchObject({ status: 401 });
    expect(clock.sleeps).toEqual([40]); // 1 past the threshold × 40 ms
    expect(await gate.check(ip, 'nope')).toMatchObject({ status: 401 });
    expect(clock.sleeps).toEqual([40, 80]); // 2 past × 40 ms
    expect(await gate.check(ip, 'nope')).toMatchObject({ status: 429, retryAfterS: 1 }); // the 5th failure blocks
    expect(await gate.check(ip, GOOD)).toMatchObject({ status: 429 });
    expect(gate.blockedFor(ip)).toBe(1);
    expect(logs).toEqual(['auth: 2.2.2.2 blocked for 0 s after 5 failed attempts']);
    expect((await gate.check('3.3.3.3', GOOD)).ok).toBe(true); // other addresses are not affected
    clock.advance(299);
    expect(await gate.check(ip, GOOD)).toMatchObject({ status: 429 }); // still blocked 1 ms before the end
    clock.advance(1);
    expect((await gate.check(ip, GOOD)).ok).toBe(true);
    expect(clock.sleeps).toEqual([40, 80]); // blocked attempts are refused at once, not delayed
  });

  it('answers 429 at once to an address while one of its failures is being delayed', async () => {
    const clock = new ManualClock();
    const gate = new AuthGate(store, { ...limits, authDelayMs: 200 }, () => {}, clock);
    const ip = '4.4.4.4';
    await gate.check(ip, 'x');
    await gate.check(ip, 'x');
    const delayStarted = clock.nextSleep();
    const slow = gate.check(ip, 'x');
    expect(await delayStarted).toBe(200); // its answer is now being held back (the clock stands still)
    expect(await gate.check(ip, GOOD)).toMatchObject({ status: 429 });
    clock.advance(200);
    expect(await slow).toMatchObject({ status: 401 });
    expect((await gate.check(ip, GOOD)).ok).toBe(true); // the delay is over: the address may try again
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
