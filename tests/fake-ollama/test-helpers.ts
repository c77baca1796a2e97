/** Helpers shared by the fake's own tests. */
import { request } from 'node:http';

export interface RawStream {
  status: number;
  headers: Headers;
  /** Whole body as text. */
  text: string;
  /** Number of network chunks the body arrived in. */
  chunks: number;
  /** Lines without their "\n" (the text after the last "\n", if any, is not a line). */
  lines: string[];
  /** Text after the last "\n" ('' when the body ends with a newline). */
  tail: string;
  /** Arrival time (ms since request start) of each chunk. */
  times: number[];
}

export async function rawStream(url: string, init?: RequestInit): Promise<RawStream> {
  const t0 = Date.now();
  const res = await fetch(url, init);
  const reader = res.body!.getReader();
  const parts: Uint8Array[] = [];
  const times: number[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    times.push(Date.now() - t0);
  }
  const text = Buffer.concat(parts).toString('utf8');
  const segs = text.split('\n');
  const tail = segs.pop() ?? '';
  return { status: res.status, headers: res.headers, text, chunks: parts.length, lines: segs, tail, times };
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** node:http request, for headers fetch will not let us set (Host). */
export function nodeRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export const RFC3339_NANO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
