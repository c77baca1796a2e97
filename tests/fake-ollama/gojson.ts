/**
 * Bytes as Go's encoding/json and gin write them.
 * - json.Marshal escapes <, >, & and U+2028/U+2029 inside strings (JSON.stringify does not).
 * - gin's c.JSON writes no trailing newline; json.Encoder (used for in-stream error lines) adds one.
 * - time.Time marshals as RFC3339Nano (trailing zeros of the fraction trimmed).
 */
import type { ServerResponse } from 'node:http';

export function goMarshal(value: unknown): string {
  // Outside strings JSON.stringify never emits these characters, so a global replace is safe.
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${hex}`;
  });
}

/** Keep only the keys whose value is not a Go zero value (for `omitempty` fields). */
export function omitEmpty<T extends Record<string, unknown>>(obj: T, keys: ReadonlyArray<keyof T>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (keys.includes(k as keyof T) && isZero(v)) continue;
    out[k] = v;
  }
  return out as T;
}

function isZero(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === 0 ||
    v === '' ||
    v === false ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)
  );
}

const hrBase = process.hrtime.bigint();
const wallBaseMs = Date.now();

/** Current time in Unix nanoseconds (wall clock at start + monotonic clock since). */
export function nowNs(): bigint {
  return BigInt(wallBaseMs) * 1_000_000n + (process.hrtime.bigint() - hrBase);
}

/** Go's time.Time.UTC() JSON form: 2024-07-22T20:33:28.123456789Z */
export function rfc3339Nano(ns: bigint = nowNs()): string {
  const ms = ns / 1_000_000n;
  const fracNs = ns % 1_000_000_000n;
  const iso = new Date(Number(ms)).toISOString(); // 2024-07-22T20:33:28.123Z
  const base = iso.slice(0, 19);
  let frac = fracNs.toString().padStart(9, '0').replace(/0+$/, '');
  return frac ? `${base}.${frac}Z` : `${base}Z`;
}

export function dateToRfc3339Nano(d: Date): string {
  return rfc3339Nano(BigInt(d.getTime()) * 1_000_000n);
}

/** gin c.JSON: `application/json; charset=utf-8`, no trailing newline. */
export function sendJson(res: ServerResponse, status: number, value: unknown, contentType = 'application/json; charset=utf-8'): void {
  const body = Buffer.from(goMarshal(value), 'utf8');
  if (res.headersSent) {
    res.end();
    return;
  }
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/** gin c.String */
export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  const body = Buffer.from(text, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/** gin AbortWithStatus: status line, no body. */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.statusCode = status;
  if (status !== 204 && status !== 304) res.setHeader('Content-Length', 0);
  res.end();
}

export function sendError(res: ServerResponse, status: number, error: string): void {
  sendJson(res, status, { error });
}
