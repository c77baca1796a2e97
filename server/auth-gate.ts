/**
 * Token checks for /sync (the hello frame) and /api (Authorization: Bearer), with a
 * per-address brake on guessing that never refuses a valid token.
 *
 * Tokens are 256-bit random, so guessing cannot succeed; the brake is about not letting one
 * address burn CPU, disk reads and log lines with endless attempts, and it must never lock out
 * the person whose devices share that address (a household behind one NAT, a proxy). So:
 * - a valid token is accepted at once, whatever the address did before (never delayed, never
 *   refused);
 * - a token that was valid once and has been rotated or removed is refused (401 "token
 *   revoked") at once and not counted: it is a device that has not been paired again;
 * - any other failure counts for its address (within `authFailureWindowMs`): the first
 *   `authFailuresBeforeDelay` are answered at once with 401; each further one is answered
 *   after authDelayMs × (failures past the threshold), at most 10 s, and one address's
 *   delayed answers are spaced one after the other (opening many connections does not
 *   multiply the rate of guesses);
 * - failures waiting for their answer are bounded per address (MAX_WAITING): past that, a
 *   wrong token is refused at once with 429 + Retry-After (a valid one still passes).
 * A success does not reset the count (an attacker with one valid token could otherwise keep
 * guessing others). Failures expire with the window; the table is pruned and bounded in size.
 */
import type { IncomingMessage } from 'node:http';
import { hashToken, type Account, type AccountStore } from './accounts.ts';
import type { RelayLimits } from './config.ts';

/** Why a token was refused: fixed texts, sent to the client (HTTP body, error frame) and logged. */
export type AuthRefusal = 'missing token' | 'unknown token' | 'token revoked' | 'too many failed attempts';

export type AuthResult =
  | { ok: true; account: Account; tokenHash: string }
  | { ok: false; status: 401 | 429; reason: AuthRefusal; retryAfterS?: number };

type ThrottleLimits = Pick<RelayLimits, 'authFailuresBeforeDelay' | 'authDelayMs' | 'authFailureWindowMs'>;

interface AddressState {
  /** failure times within the window, oldest first */
  failures: number[];
  /** when the last scheduled delayed answer goes out (the next one waits its delay after it) */
  answerAt: number;
  /** delayed answers not yet sent */
  waiting: number;
}

/** Largest delay of one answer. */
export const MAX_DELAY_MS = 10_000;
/** Delayed failures per address at most; past it a wrong token gets 429 at once. */
export const MAX_WAITING = 16;
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
      s = { failures: [], answerAt: 0, waiting: 0 };
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
      if (s.waiting === 0 && (s.failures.at(-1) ?? 0) <= windowStart) this.#byAddress.delete(ip);
    }
    // Still too many: drop the oldest insertions (Map keeps insertion order).
    for (const ip of this.#byAddress.keys()) {
      if (this.#byAddress.size < MAX_TRACKED) break;
      this.#byAddress.delete(ip);
    }
  }

  /** How long the address's next failure would wait for its answer, in ms (0: at once). */
  delayFor(ip: string): number {
    const now = this.#clock.now();
    const s = this.#byAddress.get(ip);
    if (!s) return 0;
    const wait = this.#delay(s.failures.length + 1);
    return wait > 0 ? Math.max(now, s.answerAt) + wait - now : 0;
  }

  async check(ip: string, token: string | null): Promise<AuthResult> {
    // The token first: a valid one passes whatever its address did.
    if (token) {
      const account = await this.#accounts.byToken(token);
      if (account) return { ok: true, account, tokenHash: hashToken(token) };
      if (await this.#accounts.wasRevoked(token)) return { ok: false, status: 401, reason: 'token revoked' };
    }
    return this.#fail(ip, token ? 'unknown token' : 'missing token');
  }

  /** The delay of the `n`th failure within the window. */
  #delay(n: number): number {
    const { authFailuresBeforeDelay: free, authDelayMs } = this.#limits;
    if (free <= 0) return 0; // 0 turns the brake off
    const past = n - free;
    return past > 0 ? Math.min(MAX_DELAY_MS, authDelayMs * past) : 0;
  }

  async #fail(ip: string, reason: AuthRefusal): Promise<AuthResult> {
    const now = this.#clock.now();
    const s = this.#state(ip, now);
    const delay = this.#delay(s.failures.length + 1);
    if (delay > 0 && s.waiting >= MAX_WAITING) {
      // Not counted: nothing was checked at length, and the count is high enough already.
      const retryAfterS = Math.max(1, Math.ceil((Math.max(now, s.answerAt) - now) / 1000));
      return { ok: false, status: 429, reason: 'too many failed attempts', retryAfterS };
    }
    s.failures.push(now);
    if (delay === 0) return { ok: false, status: 401, reason };
    if (s.failures.length === this.#limits.authFailuresBeforeDelay + 1) {
      this.#log(`auth: ${ip}: ${s.failures.length} failed attempts; further failures are answered slowly`);
    }
    // Spaced after the address's previous delayed answer: parallel guesses queue up.
    s.answerAt = Math.max(now, s.answerAt) + delay;
    s.waiting++;
    try {
      await this.#clock.sleep(s.answerAt - now);
    } finally {
      s.waiting--;
    }
    return { ok: false, status: 401, reason };
  }
}
