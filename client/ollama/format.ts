/**
 * Sizes, speeds and durations for the installed list and the pull rows, localised by Intl
 * (units and decimal separators come from the locale: "2.1 GB" / "2,1 Go").
 * Decimal units (1 GB = 10^9 bytes), as Ollama's own CLI shows them. The app's one size
 * formatter: every size shown anywhere (models, pulls, files, storage) goes through formatBytes.
 */

type ByteUnit = 'byte' | 'kilobyte' | 'megabyte' | 'gigabyte' | 'terabyte';
const UNITS: ByteUnit[] = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'];

function scale(bytes: number): { value: number; unit: ByteUnit } {
  let value = Math.max(0, bytes);
  let i = 0;
  while (value >= 1000 && i < UNITS.length - 1) {
    value /= 1000;
    i++;
  }
  return { value, unit: UNITS[i]! };
}

/** Formatters are costly to build (tens of µs each, a list shows hundreds of sizes): one per locale and options. */
const formatters = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

function digits(value: number, unit: ByteUnit): number {
  if (unit === 'byte') return 0;
  return value < 10 ? 2 : value < 100 ? 1 : 0;
}

export function formatBytes(bytes: number, locale: string): string {
  const { value, unit } = scale(bytes);
  return numberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: digits(value, unit) }).format(value);
}

export function formatSpeed(bytesPerSecond: number, locale: string): string {
  const { value, unit } = scale(bytesPerSecond);
  return numberFormat(locale, {
    style: 'unit',
    unit: `${unit}-per-second`,
    unitDisplay: 'short',
    maximumFractionDigits: digits(value, unit),
  }).format(value);
}

export function formatPercent(percent: number, locale: string): string {
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(Math.min(100, Math.max(0, percent)) / 100);
}

/** "1 h 5 min", "3 min 20 s", "45 s" (two units at most, rounded up to the second). */
export function formatDuration(seconds: number, locale: string): string {
  const total = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const part = (value: number, unit: 'hour' | 'minute' | 'second') =>
    numberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
  if (h > 0) return m > 0 ? `${part(h, 'hour')} ${part(m, 'minute')}` : part(h, 'hour');
  if (m > 0) return s > 0 ? `${part(m, 'minute')} ${part(s, 'second')}` : part(m, 'minute');
  return part(s, 'second');
}

/** Context lengths as people say them: 131072 → "128K", 2048 → "2K", 1000000 → "1M". */
export function formatContext(tokens: number): string {
  if (tokens >= 1024 * 1024 && tokens % (1024 * 1024) === 0) return `${tokens / (1024 * 1024)}M`;
  if (tokens >= 1_000_000 && tokens % 1_000_000 === 0) return `${tokens / 1_000_000}M`;
  if (tokens >= 1024 && tokens % 1024 === 0) return `${tokens / 1024}K`;
  if (tokens >= 1000) return `${Math.round(tokens / 1000)}K`;
  return String(tokens);
}
