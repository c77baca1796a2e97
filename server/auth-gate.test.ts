import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hashToken, type Account, type AccountStore } from './accounts.ts';
import { ManualClock } from '../tests/helpers/manual-clock.ts';
import { AuthGate, MAX_WAITING, clientAddress } from './auth-gate.ts';

const GOOD = 'g'.repeat(43);
const OLD = 'o'.repeat(43);
const account: Account = { id: 'a'.repeat(24), name: 'alice', workspaceUrl: null, keyId: null, createdAt: 1, legacyDoneAt: null };

const store = {
  byToken: async (t: string) => (t === GOOD ? account : null),
  wasRevoked: async (t: string) => t === OLD,
} as unknown as AccountStore;

const limits = { authFailuresBeforeDelay: 2, authDelayMs: 40, authFailureWindowMs: 60_000 };

describe('AuthGate', () => {
  it('accepts a valid token with its hash', async () => {
    const gate = new AuthGate(store, limits, () => {});
    expect(await gate.check('1.1.1.1', GOOD)).toEqual({ ok: true, account, tokenHash: hashToken(GOOD) });
  });

  it('slows failures down more and more, and says why each was refused', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const gate = new AuthGate(store, limits, () => {}, clock);
    const ip = '2.2.2.2';
    expect(await gate.check(ip, 'nope')).toEqual({ ok: false, status: 401, reason: 'unknown token' });
    expect(await gate.check(ip, null)).toEqual({ ok: false, status: 401, reason: 'missing token' });
    expect(clock.sleeps).toEqual([]); // the first failures are answered at once
    for (let i = 0; i < 5; i++) expect(await gate.check(ip, 'nope')).toMatchObject({ status: 401, reason: 'unknown token' });
    expect(clock.sleeps).toEqual([40, 80, 120, 160, 200]); // failures past the threshold × 40 ms
    expect(gate.delayFor(ip)).toBe(240);
    expect(gate.delayFor('9.9.9.9')).toBe(0); // other addresses are not affected
  });

  it('never refuses or delays a valid token, even from an address that failed a thousand times', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const gate = new AuthGate(store, limits, () => {}, clock);
    const ip = '3.3.3.3';
    for (let i = 0; i < 1_000; i++) await gate.check(ip, 'nope');
    const sleeps = clock.sleeps.length;
    expect(await gate.check(ip, GOOD)).toMatchObject({ ok: true, account });
    expect(clock.sleeps.length).toBe(sleeps);
    // … nor while the address has failures waiting for their answer
    clock.autoAdvance = false;
    const waiting = Array.from({ length: MAX_WAITING + 3 }, () => gate.check(ip, 'nope'));
    expect(await gate.check(ip, GOOD)).toMatchObject({ ok: true, account });
    clock.advance(10 * 60_000);
    await Promise.all(waiting);
  });

  it("spaces one address's delayed answers one after the other, and past a bound answers wrong tokens 429 at once", async () => {
    const clock = new ManualClock();
    const gate = new AuthGate(store, { ...limits, authFailuresBeforeDelay: 1, authDelayMs: 100 }, () => {}, clock);
    const ip = '4.4.4.4';
    expect(await gate.check(ip, 'x')).toMatchObject({ status: 401 }); // free
    const answers: number[] = [];
    const pending = Array.from({ length: MAX_WAITING }, (_, i) => gate.check(ip, 'x').then(() => answers.push(i)));
    await expect.poll(() => clock.pending()).toBe(MAX_WAITING);
    // Each waits its own delay after the previous one's answer: 100, 100+200, 300+300, …
    expect(clock.sleeps.slice(0, 3)).toEqual([100, 300, 600]);
    const over = await gate.check(ip, 'x');
    expect(over).toMatchObject({ ok: false, status: 429, reason: 'too many failed attempts' });
    expect(over.ok === false && over.retryAfterS).toBeGreaterThan(0);
    clock.advance(100);
    await pending[0];
    expect(answers).toEqual([0]); // the others still wait
    clock.advance(10 * 60_000);
    await Promise.all(pending);
    expect(answers).toEqual(Array.from({ length: MAX_WAITING }, (_, i) => i));
  });

  it('does not count revoked tokens as guesses', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const gate = new AuthGate(store, limits, () => {}, clock);
    for (let i = 0; i < 20; i++) expect(await gate.check('5.5.5.5', OLD)).toEqual({ ok: false, status: 401, reason: 'token revoked' });
    expect(clock.sleeps).toEqual([]);
    expect((await gate.check('5.5.5.5', GOOD)).ok).toBe(true);
  });

  it('forgets failures once the window has passed', async () => {
    const clock = new ManualClock({ autoAdvance: true });
    const gate = new AuthGate(store, limits, () => {}, clock);
    for (let i = 0; i < 4; i++) await gate.check('6.6.6.6', 'x');
    expect(gate.delayFor('6.6.6.6')).toBeGreaterThan(0);
    clock.advance(60_000);
    await gate.check('6.6.6.6', 'x');
    expect(clock.sleeps.length).toBe(2); // only the 3rd and 4th were delayed; the 5th counts anew
  });

  it('takes the client address from the socket, or behind a trusted proxy from X-Forwarded-For', () => {
    const req = (remote: string, xff?: string) => ({ socket: { remoteAddress: remote }, headers: xff ? { 'x-forwarded-for': xff } : {} }) as unknown as IncomingMessage;
    expect(clientAddress(req('::ffff:10.0.0.1'), false)).toBe('10.0.0.1');
    expect(clientAddress(req('10.0.0.1', '1.2.3.4'), false)).toBe('10.0.0.1');
    expect(clientAddress(req('10.0.0.1', 'spoofed, 1.2.3.4'), true)).toBe('1.2.3.4');
    expect(clientAddress(req('10.0.0.1', ''), true)).toBe('10.0.0.1');
  });
});
