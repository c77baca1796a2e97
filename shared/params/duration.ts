/**
 * Ollama's `keep_alive`: a Go duration string ("5m", "1h30m", "-1m", "0") or a number
 * of seconds (negative = keep loaded forever, 0 = unload now). A string holding a bare
 * number ("-1", "300") is not a Go duration (Ollama would reject it), so it is read as seconds.
 */

const GO_DURATION = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const BARE_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)$/;

/** The value to store and send for a keep_alive input, or null when it is not one. */
export function normalizeKeepAlive(raw: unknown): string | number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw !== 'string') return null;
  const s = raw.trim();
  if (BARE_NUMBER.test(s)) return Number(s);
  return GO_DURATION.test(s) ? s : null;
}
