/**
 * Reading, replaying and comparing the recorded exchanges in this folder (format: README.md here).
 * Only timestamps, durations and values that are random or per-deployment in the real server are
 * normalised (NORMALISERS); everything else must match byte for byte.
 */
import { request } from 'node:http';

export interface HttpMessage {
  /** Request: `POST /api/chat HTTP/1.1`; response: `HTTP/1.1 200 OK`. */
  startLine: string;
  /** In the order written, names as written. */
  headers: Array<[string, string]>;
  body: string;
}

export interface Exchange {
  request: HttpMessage;
  response: HttpMessage;
}

export interface Transcript {
  /** The `#` lines before the first exchange (where the bytes come from, what is normalised). */
  header: string[];
  exchanges: Exchange[];
}

const MARKER = /^### (request|response|end)$/;

function parseMessage(block: string, where: string): HttpMessage {
  // "head\n\nbody"; with an empty body the blank line's newline went to the marker: "head\n".
  const headEnd = block.indexOf('\n\n');
  if (headEnd < 0 && !block.endsWith('\n')) throw new Error(`${where}: no blank line after the headers`);
  const head = headEnd < 0 ? block.slice(0, -1) : block.slice(0, headEnd);
  const body = headEnd < 0 ? '' : block.slice(headEnd + 2);
  const [startLine, ...lines] = head.split('\n');
  if (!startLine) throw new Error(`${where}: no start line`);
  const headers = lines.map((l): [string, string] => {
    const i = l.indexOf(':');
    if (i <= 0) throw new Error(`${where}: not a header line: ${JSON.stringify(l)}`);
    return [l.slice(0, i), l.slice(i + 1).trim()];
  });
  return { startLine, headers, body };
}

/**
 * A section runs from its marker line to the next marker line; the newline just before that
 * marker is not part of it, so a body that ends in "\n" shows an empty line before the marker.
 */
export function parseTranscript(text: string, where = 'transcript'): Transcript {
  const lines = text.split('\n');
  const header: string[] = [];
  const sections: Array<{ kind: string; text: string }> = [];
  let current: { kind: string; lines: string[] } | null = null;
  for (const line of lines) {
    const m = MARKER.exec(line);
    if (m) {
      if (current) sections.push({ kind: current.kind, text: current.lines.join('\n') });
      current = m[1] === 'end' ? null : { kind: m[1]!, lines: [] };
      if (m[1] === 'end') sections.push({ kind: 'end', text: '' });
      continue;
    }
    if (current) current.lines.push(line);
    else if (sections.length === 0) header.push(line);
    else if (line !== '') throw new Error(`${where}: text outside a section: ${JSON.stringify(line)}`);
  }
  if (current) throw new Error(`${where}: the last section has no "### end"`);
  const exchanges: Exchange[] = [];
  for (let i = 0; i < sections.length; i += 3) {
    const [req, res, end] = [sections[i], sections[i + 1], sections[i + 2]];
    if (req?.kind !== 'request' || res?.kind !== 'response' || end?.kind !== 'end') {
      throw new Error(`${where}: expected "### request", "### response", "### end" in turn`);
    }
    exchanges.push({ request: parseMessage(req.text, `${where} request`), response: parseMessage(res.text, `${where} response`) });
  }
  if (exchanges.length === 0) throw new Error(`${where}: no exchange`);
  return { header, exchanges };
}

export interface Received {
  status: number;
  statusMessage: string;
  rawHeaders: Array<[string, string]>;
  body: string;
}

/** Sends the request bytes as written (method, path, headers, body) to `baseUrl`. */
export function replay(baseUrl: string, req: HttpMessage): Promise<Received> {
  const [method, path] = req.startLine.split(' ');
  if (!method || !path) throw new Error(`bad request line ${req.startLine}`);
  const headers: Record<string, string> = {};
  for (const [k, v] of req.headers) headers[k] = v;
  if (req.body !== '' && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')) {
    headers['Content-Length'] = String(Buffer.byteLength(req.body));
  }
  return new Promise((resolve, reject) => {
    const r = request(new URL(path, baseUrl), { method, headers, setHost: !('Host' in headers) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = res.rawHeaders;
        const pairs: Array<[string, string]> = [];
        for (let i = 0; i < raw.length; i += 2) pairs.push([raw[i]!, raw[i + 1]!]);
        resolve({ status: res.statusCode ?? 0, statusMessage: res.statusMessage ?? '', rawHeaders: pairs, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    if (req.body !== '') r.write(req.body);
    r.end();
  });
}

/**
 * What may differ between two runs of the real server, each replaced by a placeholder in both the
 * transcript and the fake's answer. A value in another form than the pattern's stays as it is, so
 * a wrong timestamp or duration format still fails the comparison.
 */
export const NORMALISERS: ReadonlyArray<{ what: string; pattern: RegExp; placeholder: string }> = [
  {
    what: 'Ollama timestamps (created_at, modified_at, expires_at: RFC3339Nano, UTC or with an offset)',
    pattern: /"(created_at|modified_at|expires_at)":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})"/g,
    placeholder: '"$1":"<time>"',
  },
  {
    what: 'Ollama durations (total_duration, load_duration, prompt_eval_duration, eval_duration: integer nanoseconds)',
    pattern: /"(total_duration|load_duration|prompt_eval_duration|eval_duration)":[1-9]\d*/g,
    placeholder: '"$1":<ns>',
  },
  {
    what: 'Ollama tool-call ids (call_ + 8 random [a-z0-9])',
    pattern: /"id":"call_[a-z0-9]{8}"/g,
    placeholder: '"id":"call_<random>"',
  },
  {
    what: 'OpenAI completion ids (chatcmpl-…, random per answer)',
    pattern: /"id":"chatcmpl-[A-Za-z0-9]+"/g,
    placeholder: '"id":"chatcmpl-<random>"',
  },
  {
    what: 'OpenAI creation times ("created": Unix seconds)',
    pattern: /"created":[1-9]\d{8,}/g,
    placeholder: '"created":<unix>',
  },
  {
    what: 'OpenAI system_fingerprint (names the serving deployment)',
    pattern: /"system_fingerprint":"fp_[A-Za-z0-9_]+"/g,
    placeholder: '"system_fingerprint":"fp_<deployment>"',
  },
  {
    what: 'OpenAI tool-call ids (call_…, random per call)',
    pattern: /"id":"call_[A-Za-z0-9]{6,}"/g,
    placeholder: '"id":"call_<random>"',
  },
];

export function normalise(body: string): string {
  let out = body;
  for (const n of NORMALISERS) out = out.replace(n.pattern, n.placeholder);
  return out;
}

/** Transport framing, or derived from a body whose normalised values vary in length: not compared. */
export const IGNORED_HEADERS = ['date', 'content-length', 'transfer-encoding', 'connection', 'keep-alive'];

/** Headers whose absence matters (a CORS refusal has none): the answer may carry them only when the transcript does. */
export const MUST_MATCH_HEADERS = [
  'content-type',
  'access-control-allow-origin',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'access-control-expose-headers',
  'vary',
  'location',
  'allow',
  'retry-after',
];

/**
 * The headers to compare: every header the transcript shows and every MUST_MATCH header the
 * answer carries, without the IGNORED ones. Names are lower-cased (HTTP names are
 * case-insensitive; Go writes them canonicalised, Node as set) and sorted by name (Go's server
 * writes them sorted, Node in the order set); repeats of one name keep their order.
 */
export function comparableHeaders(headers: Array<[string, string]>, shownInTranscript: Set<string>): string[] {
  return headers
    .map(([k, v]): [string, string] => [k.toLowerCase(), v])
    .filter(([k]) => !IGNORED_HEADERS.includes(k) && (shownInTranscript.has(k) || MUST_MATCH_HEADERS.includes(k)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}: ${v}`);
}
