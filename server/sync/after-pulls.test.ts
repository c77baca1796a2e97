/**
 * The collection after a burst of pulls: once, when the last pull of the burst is over and none
 * started again meanwhile, and not more often than the minimum gap. Timers are faked (no waiting).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AfterPulls } from './after-pulls.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('collection after a burst of pulls', () => {
  it('runs once after the last of overlapping pulls ends, never while one is in progress', () => {
    let runs = 0;
    const after = new AfterPulls(() => runs++, 1_000, 10_000);
    after.started();
    after.started();
    after.ended();
    vi.advanceTimersByTime(5_000);
    expect(runs).toBe(0);
    after.ended();
    vi.advanceTimersByTime(999);
    expect(runs).toBe(0);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(1);
  });

  it('waits for a pull that starts before the quiet time is over', () => {
    let runs = 0;
    const after = new AfterPulls(() => runs++, 1_000, 10_000);
    after.started();
    after.ended();
    vi.advanceTimersByTime(500);
    after.started();
    vi.advanceTimersByTime(5_000);
    expect(runs).toBe(0);
    after.ended();
    vi.advanceTimersByTime(1_000);
    expect(runs).toBe(1);
  });

  it('keeps the minimum gap between two collections', () => {
    let runs = 0;
    const after = new AfterPulls(() => runs++, 1_000, 10_000);
    after.started();
    after.ended();
    vi.advanceTimersByTime(1_000);
    expect(runs).toBe(1);
    after.started();
    after.ended();
    // ten seconds after the first collection, not one second after this pull
    vi.advanceTimersByTime(9_999);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(2);
  });
});
