/** Request body decoding with the status and messages of gin's ShouldBindJSON (Go encoding/json). */

export type FieldKind = 'string' | 'array' | 'bool' | 'object';

export type Decoded = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** Go types of the array fields, as encoding/json's UnmarshalTypeError names them. */
const ARRAY_TYPES: Record<string, string> = {
  'ChatRequest.messages': '[]api.Message',
  'ChatRequest.tools': 'api.Tools',
  'GenerateRequest.images': '[]api.ImageData',
  'GenerateRequest.context': '[]int',
};

function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  return typeof v; // string | number | object
}

/**
 * Decode a JSON request body like Go would into `api.<typeName>`.
 * `fields` lists top-level fields with their Go kind, checked like json.Unmarshal does.
 */
export function decodeBody(raw: string, typeName: string, fields: Record<string, FieldKind> = {}): Decoded {
  if (raw.trim() === '') return { ok: false, error: 'missing request body' };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    return { ok: false, error: syntaxMessage(raw, e) };
  }
  if (v === null) return { ok: true, value: {} };
  if (typeof v !== 'object' || Array.isArray(v)) {
    return { ok: false, error: `json: cannot unmarshal ${goKind(v)} into Go value of type api.${typeName}` };
  }
  const obj = v as Record<string, unknown>;
  for (const [field, kind] of Object.entries(fields)) {
    const val = obj[field];
    if (val === undefined || val === null) continue;
    const k = goKind(val);
    if (k !== kind) {
      const goType = kind === 'array' ? (ARRAY_TYPES[`${typeName}.${field}`] ?? '[]interface {}') : kind === 'object' ? 'map[string]interface {}' : kind;
      return { ok: false, error: `json: cannot unmarshal ${k} into Go struct field ${typeName}.${field} of type ${goType}` };
    }
  }
  return { ok: true, value: obj };
}

function syntaxMessage(raw: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const m = /position (\d+)/.exec(msg);
  if (m) {
    const ch = raw[Number(m[1])];
    if (ch !== undefined) return `invalid character '${ch}' looking for beginning of value`;
  }
  if (/end of JSON input|Unterminated/i.test(msg)) return 'unexpected EOF';
  const first = raw.trim()[0];
  if (first && !'{["-0123456789tfn'.includes(first)) return `invalid character '${first}' looking for beginning of value`;
  return 'unexpected EOF';
}

/**
 * api.Duration (keep_alive): a number is seconds, a string is a Go duration ("5m", "1h30m", "0");
 * negative means forever. Returns milliseconds (Infinity = forever), undefined when absent,
 * or an error message.
 */
export function parseKeepAlive(v: unknown): number | undefined | { error: string } {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v < 0 ? Infinity : Math.trunc(v) * 1000;
  if (typeof v === 'string') {
    const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    let s = v.trim();
    let sign = 1;
    if (s.startsWith('-')) {
      sign = -1;
      s = s.slice(1);
    } else if (s.startsWith('+')) s = s.slice(1);
    if (s === '0') return 0;
    const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
    let total = 0;
    let consumed = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      total += Number(m[1]) * units[m[2]!]!;
      consumed = re.lastIndex;
    }
    if (consumed === 0 || consumed !== s.length) return { error: `time: invalid duration "${v}"` };
    return sign < 0 ? Infinity : total;
  }
  return { error: `json: cannot unmarshal ${goKind(v)} into Go value of type api.Duration` };
}
