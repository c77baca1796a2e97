/**
 * A clock that moves only when a test moves it, for time-based logic (delays, blocks, windows)
 * checked by stepping time instead of waiting for it and measuring.
 *
 * `sleep(ms)` resolves once the clock has been advanced past its end. Every sleep started is
 * recorded in `sleeps` and announced to `nextSleep()`, so a test can act at the moment a delay
 * begins. With `autoAdvance`, a sleep moves the clock to its own end at once: time passes only
 * where something waits, and nothing is held.
 */
export class ManualClock {
  #now: number;
  #timers: { at: number; resolve: () => void }[] = [];
  #sleepWatchers: ((ms: number) => void)[] = [];
  /** Lengths of every sleep started, in order. */
  readonly sleeps: number[] = [];
  autoAdvance: boolean;

  constructor(opts: { start?: number; autoAdvance?: boolean } = {}) {
    this.#now = opts.start ?? 1_700_000_000_000;
    this.autoAdvance = opts.autoAdvance ?? false;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    const done = new Promise<void>((resolve) => this.#timers.push({ at: this.#now + ms, resolve }));
    for (const watch of this.#sleepWatchers.splice(0)) watch(ms);
    if (this.autoAdvance) this.advance(ms);
    return done;
  }

  /** Resolves with the length of the next sleep started. */
  nextSleep(): Promise<number> {
    return new Promise((resolve) => this.#sleepWatchers.push(resolve));
  }

  /** Sleeps started and not yet over. */
  pending(): number {
    return this.#timers.length;
  }

  /** Moves the clock on by `ms` and ends every sleep that is then over. */
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#timers.filter((t) => t.at <= this.#now);
    this.#timers = this.#timers.filter((t) => t.at > this.#now);
    for (const t of due) t.resolve();
  }
}
