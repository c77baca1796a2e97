/**
 * Token checks for /sync and /api, with a per-address brake on guessing.
 *
 * Tokens are 256-bit random, so guessing cannot succeed; the brake is about not letting one
 * address burn CPU, disk reads and log lines with endless attempts. Per client address:
 * - the first `authFailuresBeforeDelay` failures (within `authFailureWindowMs`) are answered
 *   at once with 401;
 * - each further failure is answered after authDelayMs × (failures past the threshold), at
 *   most 10 s; while such an answer is pending, other attempts from the address get an
 *   immediate 429 (so delays cannot be dodged by opening many connections);
 * - at `authFailuresBeforeBlock` failures the address is refused outright (429 with
 *   Retry-After, valid token or not: otherwise guessing would simply continue) for
 *   `authBlockMs`.
 * A success does not reset the count (an attacker with one valid token could otherwise keep
 * guessing others). A token that was valid once and has been rotated or removed is refused
 * (401) without counting: it is a device that has not been paired again, not a guess.
 * Failures expire with the window; the table is pruned and bounded in size.
 */
import type { IncomingMessage } from 'node:http';
import { hashToken, type Account, type AccountStore } from './accounts.ts';
import type { RelayLimits } from './config.ts';

export type AuthResult =
  | { ok: true; account: Account; tokenHash: string }
  | { ok: false; status: 401 | 429; reason: string; retryAfterS?: number };

type ThrottleLimits = Pick<
  RelayLimits,
  'authFailuresBeforeDelay' | 'authFailuresBeforeBlock' | 'authDelayMs' | 'authFailureWindowMs' | 'authBlockMs'
>;

interface AddressState {
  /** failure times within the window, oldest first */
  failures: number[];
  blockedUntil: number;
  /** a delayed answer is pending for this address */
  delaying: boolean;
}

/** Largest delay of one answer. */
const MAX_DELAY_MS = 10_000;
/** Addresses tracked at most; past it the oldest entries go (a flood of addresses cannot grow memory without bound). */
const MAX_TRACKED = 100_000;

/** The gate's time: the system clock in the relay; tests step a manual one instead of waiting. */
export interface GateClock {
  now(): number;
  /** Resolves once `ms` have passed on this clock. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: GateClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms).unref()),
};

/** The client address: the TCP peer, or with trustProxy the last X-Forwarded-For hop (what the proxy saw). */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const xff = req.headers['x-forwarded-for'];
    const raw = Array.isArray(xff) ? xff.join(',') : xff;
    const last = raw?.split(',').map((s) => s.trim()).filter(Boolean).at(-1);
    if (last) return last;
  }
  const addr = req.socket.remoteAddress ?? 'unknown';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

export class AuthGate {
  readonly #accounts: AccountStore;
  readonly #limits: ThrottleLimits;
  readonly #log: (line: string) => void;
  readonly #clock: GateClock;
  readonly #byAddress = new Map<string, AddressState>();
  #lastPrune = 0;

  constructor(accounts: AccountStore, limits: ThrottleLimits, log: (line: string) => void, clock: GateClock = systemClock) {
    this.#accounts = accounts;
    this.#limits = limits;
    this.#log = log;
    this.#clock = clock;
  }

  #state(ip: string, now: number): AddressState {
    this.#prune(now);
    let s = this.#byAddress.get(ip);
    if (!s) {
      s = { failures: [], blockedUntil: 0, delaying: false };
      this.#byAddress.set(ip, s);
    }
    const windowStart = now - this.#limits.authFailureWindowMs;
    while (s.failures.length > 0 && (s.failures[0] ?? 0) <= windowStart) s.failures.shift();
    return s;
  }

  #prune(now: number): void {
    if (now - this.#lastPrune < 60_000 && this.#byAddress.size < MAX_TRACKED) return;
    this.#lastPrune = now;
    const windowStart = now - this.#limits.authFailureWindowMs;
    for (const [ip, s] of this.#byAddress) {
      if (!s.delaying && s.blockedUntil <= now && (s.failures.at(-1) ?? 0) <= windowStart) this.#byAddress.delete(ip);
    }
    // Still too many: drop the oldest insertions (Map keeps insertion order).
    for (const ip of this.#byAddress.keys()) {
      if (this.#byAddress.size < MAX_TRACKED) break;
      this.#byAddress.delete(ip);
    }
  }

  /** Whether the address is blocked now, and for how many seconds more. */
  blockedFor(ip: string, now = this.#clock.now()): number {
    const s = this.#byAddress.get(ip);
    return s && s.blockedUntil > now ? Math.ceil((s.blockedUntil - now) / 1000) : 0;
  }

  async check(ip: string, token: string | null): Promise<AuthResult> {
    const now = this.#clock.now();
    const s = this.#state(ip, now);
    if (s.blockedUntil > now) {
      return { ok: false, status: 429, reason: 'too many failed attempts', retryAfterS: Math.ceil((s.blockedUntil - now) / 1000) };
    }
    if (s.delaying) {
      return { ok: false, status: 429, reason: 'too many failed attempts', retryAfterS: Math.ceil(this.#nextDelay(s) / 1000) || 1 };
    }
    if (token) {
      const account = await this.#accounts.byToken(token);
      if (account) return { ok: true, account, tokenHash: hashToken(token) };
      if (await this.#accounts.wasRevoked(token)) return { ok: false, status: 401, reason: 'token revoked' };
    }
    return this.#fail(ip, s, token ? 'unknown token' : 'missing token');
  }

  #nextDelay(s: AddressState): number {
    const past = s.failures.length - this.#limits.authFailuresBeforeDelay;
    return past > 0 ? Math.min(MAX_DELAY_MS, this.#limits.authDelayMs * past) : 0;
  }

  async #fail(ip: string, s: AddressState, reason: string): Promise<AuthResult> {
    const now = this.#clock.now();
    s.failures.push(now);
    const { authFailuresBeforeBlock: block, authBlockMs } = this.#limits;
    if (block > 0 && s.failures.length >= block) {
      s.blockedUntil = now + authBlockMs;
      s.failures = [];
      this.#log(`auth: ${ip} blocked for ${Math.round(authBlockMs / 1000)} s after ${block} failed attempts`);
      return { ok: false, status: 429, reason: 'too many failed attempts', retryAfterS: Math.ceil(authBlockMs / 1000) };
    }
    const delay = this.#limits.authFailuresBeforeDelay > 0 ? this.#nextDelay(s) : 0;
    if (delay > 0) {
      s.delaying = true;
      try {
        await this.#clock.sleep(delay);
      } finally {
        s.delaying = false;
      }
    }
    return { ok: false, status: 401, reason };
  }
}
