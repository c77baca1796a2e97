import { describe, expect, it } from 'vitest';
import { formatBytes, formatContext, formatDuration, formatPercent, formatSpeed } from './format.ts';

const nb = (s: string) => s.replace(/\u00a0|\u202f/g, ' ');

describe('format', () => {
  it('formats sizes in decimal units with sensible precision', () => {
    expect(nb(formatBytes(0, 'en'))).toBe('0 byte');
    expect(nb(formatBytes(2_019_393_189, 'en'))).toBe('2.02 GB');
    expect(nb(formatBytes(274_302_450, 'en'))).toBe('274 MB');
    expect(nb(formatBytes(45_300_000, 'en'))).toBe('45.3 MB');
    expect(nb(formatBytes(2_019_393_189, 'fr'))).toBe('2,02 Go');
  });

  it('formats speeds', () => {
    expect(nb(formatSpeed(12_345_678, 'en'))).toBe('12.3 MB/s');
    expect(nb(formatSpeed(12_345_678, 'fr'))).toBe('12,3 Mo/s');
  });

  it('formats percents, clamped', () => {
    expect(nb(formatPercent(42.4, 'en'))).toBe('42%');
    expect(nb(formatPercent(120, 'en'))).toBe('100%');
    expect(nb(formatPercent(42.4, 'fr'))).toBe('42 %');
  });

  it('formats durations with two units at most', () => {
    expect(nb(formatDuration(44.2, 'en'))).toBe('45 sec');
    expect(nb(formatDuration(200, 'en'))).toBe('3 min 20 sec');
    expect(nb(formatDuration(3 * 3600 + 5 * 60 + 7, 'en'))).toBe('3 hr 5 min');
    expect(nb(formatDuration(120, 'en'))).toBe('2 min');
    expect(nb(formatDuration(200, 'fr'))).toBe('3 min 20 s');
  });

  it('formats context lengths', () => {
    expect(formatContext(131072)).toBe('128K');
    expect(formatContext(2048)).toBe('2K');
    expect(formatContext(40960)).toBe('40K');
    expect(formatContext(1_048_576)).toBe('1M');
    expect(formatContext(512)).toBe('512');
  });
});
