/**
 * Gives back the memory of a burst of pulls (devices catching up) once it is over: when no pull
 * has been in progress for `quietMs`, `collect` runs (full garbage collections), at most once per
 * `minGapMs`. Without it, the frames and headers of the burst stay in the heap and the
 * allocator until something allocates enough to trigger a collection, which an idle relay never
 * does; the cost is a few milliseconds per burst.
 */
export class AfterPulls {
  #running = 0;
  #timer: NodeJS.Timeout | null = null;
  #last = -Infinity;
  readonly #collect: () => void;
  readonly #quietMs: number;
  readonly #minGapMs: number;

  constructor(collect: () => void, quietMs = 1_000, minGapMs = 10_000) {
    this.#collect = collect;
    this.#quietMs = quietMs;
    this.#minGapMs = minGapMs;
  }

  started(): void {
    this.#running++;
    this.#cancel();
  }

  ended(): void {
    if (--this.#running > 0) return;
    this.#cancel();
    const wait = Math.max(this.#quietMs, this.#last + this.#minGapMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#running > 0) return;
      this.#last = Date.now();
      this.#collect();
    }, wait);
    this.#timer.unref();
  }

  #cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  stop(): void {
    this.#cancel();
  }
}
