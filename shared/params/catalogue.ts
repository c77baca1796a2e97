import type { ParamValue } from '../schema/preset.ts';
import { normalizeKeepAlive } from './duration.ts';

/*
 * The "Advanced parameters" of Open WebUI's model editor (AdvancedParams.svelte), with
 * their ranges, the value a parameter takes when switched from "Default" to "Custom",
 * and where each goes in an Ollama /api/chat request. A parameter left at "Default" is
 * absent from the preset and never sent.
 */

export const PARAM_KEYS = [
  'temperature',
  'top_p',
  'top_k',
  'min_p',
  'seed',
  'stop',
  'max_tokens',
  'frequency_penalty',
  'presence_penalty',
  'repeat_penalty',
  'repeat_last_n',
  'mirostat',
  'mirostat_eta',
  'mirostat_tau',
  'tfs_z',
  'num_ctx',
  'num_batch',
  'num_keep',
  'num_thread',
  'num_gpu',
  'use_mmap',
  'use_mlock',
  'keep_alive',
  'think',
  'format',
] as const;

export type ParamKey = (typeof PARAM_KEYS)[number];

export type ParamKind = 'number' | 'integer' | 'boolean' | 'string-list' | 'enum' | 'duration' | 'think' | 'format';

export type TopLevelName = 'keep_alive' | 'think' | 'format';

/** Where a parameter goes in an Ollama request: under `options` (with Ollama's name) or at the top level. */
export type ParamTarget = { where: 'options'; name: string } | { where: 'top-level'; name: TopLevelName };

export interface ParamSpec {
  key: ParamKey;
  kind: ParamKind;
  /** inclusive bounds, when the parameter has them */
  min?: number;
  max?: number;
  /** slider step for the editor */
  step?: number;
  /** allowed values of an enum */
  options?: readonly number[];
  /** the value the editor starts from when the user switches the parameter from Default to Custom */
  custom: ParamValue;
  target: ParamTarget;
}

export const THINK_LEVELS = ['low', 'medium', 'high'] as const;
export type ThinkLevel = (typeof THINK_LEVELS)[number];

const opt = (name: string): ParamTarget => ({ where: 'options', name });
const top = (name: TopLevelName): ParamTarget => ({ where: 'top-level', name });

const SPECS: readonly ParamSpec[] = [
  { key: 'temperature', kind: 'number', min: 0, max: 2, step: 0.05, custom: 0.8, target: opt('temperature') },
  { key: 'top_p', kind: 'number', min: 0, max: 1, step: 0.05, custom: 0.9, target: opt('top_p') },
  { key: 'top_k', kind: 'integer', min: 0, max: 1000, step: 1, custom: 40, target: opt('top_k') },
  { key: 'min_p', kind: 'number', min: 0, max: 1, step: 0.05, custom: 0, target: opt('min_p') },
  { key: 'seed', kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, step: 1, custom: 0, target: opt('seed') },
  { key: 'stop', kind: 'string-list', custom: [], target: opt('stop') },
  { key: 'max_tokens', kind: 'integer', min: -2, max: 131072, step: 1, custom: 128, target: opt('num_predict') },
  { key: 'frequency_penalty', kind: 'number', min: -2, max: 2, step: 0.05, custom: 1.1, target: opt('frequency_penalty') },
  { key: 'presence_penalty', kind: 'number', min: -2, max: 2, step: 0.05, custom: 0, target: opt('presence_penalty') },
  { key: 'repeat_penalty', kind: 'number', min: -2, max: 2, step: 0.05, custom: 1.1, target: opt('repeat_penalty') },
  { key: 'repeat_last_n', kind: 'integer', min: -1, max: 128, step: 1, custom: 64, target: opt('repeat_last_n') },
  { key: 'mirostat', kind: 'enum', options: [0, 1, 2], custom: 0, target: opt('mirostat') },
  { key: 'mirostat_eta', kind: 'number', min: 0, max: 1, step: 0.05, custom: 0.1, target: opt('mirostat_eta') },
  { key: 'mirostat_tau', kind: 'number', min: 0, max: 10, step: 0.5, custom: 5, target: opt('mirostat_tau') },
  { key: 'tfs_z', kind: 'number', min: 0, max: 2, step: 0.05, custom: 1, target: opt('tfs_z') },
  { key: 'num_ctx', kind: 'integer', min: -1, max: 10_240_000, step: 1, custom: 2048, target: opt('num_ctx') },
  { key: 'num_batch', kind: 'integer', min: 256, max: 8192, step: 256, custom: 512, target: opt('num_batch') },
  { key: 'num_keep', kind: 'integer', min: -1, max: 10_240_000, step: 1, custom: 24, target: opt('num_keep') },
  { key: 'num_thread', kind: 'integer', min: 1, max: 256, step: 1, custom: 2, target: opt('num_thread') },
  // -1 lets Ollama decide; Modelfiles often say 999 for "all layers", so no upper bound
  { key: 'num_gpu', kind: 'integer', min: -1, step: 1, custom: 0, target: opt('num_gpu') },
  { key: 'use_mmap', kind: 'boolean', custom: true, target: opt('use_mmap') },
  { key: 'use_mlock', kind: 'boolean', custom: true, target: opt('use_mlock') },
  { key: 'keep_alive', kind: 'duration', custom: '5m', target: top('keep_alive') },
  { key: 'think', kind: 'think', custom: true, target: top('think') },
  { key: 'format', kind: 'format', custom: 'json', target: top('format') },
];

/** Every parameter, in the editor's order. */
export const PARAM_LIST: readonly ParamSpec[] = SPECS;

export const PARAMS = Object.fromEntries(SPECS.map((s) => [s.key, s])) as Readonly<Record<ParamKey, ParamSpec>>;

export function isParamKey(key: string): key is ParamKey {
  return Object.hasOwn(PARAMS, key);
}

// ---------------------------------------------------------------------------------------
// Validation

export type ParamError =
  | { code: 'param-unknown'; key: string }
  | { code: 'param-not-number'; key: string }
  | { code: 'param-not-integer'; key: string }
  | { code: 'param-out-of-range'; key: string; min?: number; max?: number }
  | { code: 'param-not-allowed'; key: string; allowed: readonly (number | string | boolean)[] }
  | { code: 'param-not-boolean'; key: string }
  | { code: 'param-not-list'; key: string }
  | { code: 'param-list-empty'; key: string }
  | { code: 'param-list-item-empty'; key: string; index: number }
  | { code: 'param-bad-duration'; key: string }
  | { code: 'param-bad-format'; key: string };

export type ParamResult = { ok: true; value: ParamValue } | { ok: false; error: ParamError };

const NUMERIC = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** A number from a number or a numeric string (text inputs, older exports); null otherwise. */
function toNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'string' && NUMERIC.test(raw.trim())) return Number(raw.trim());
  return null;
}

function toBoolean(raw: unknown): boolean | null {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const s = raw.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  return null;
}

const ok = (value: ParamValue): ParamResult => ({ ok: true, value });
const fail = (error: ParamError): ParamResult => ({ ok: false, error });

function checkNumber(spec: ParamSpec, raw: unknown): ParamResult {
  const key = spec.key;
  const n = toNumber(raw);
  if (n === null) return fail({ code: 'param-not-number', key });
  if (spec.kind === 'integer' && !Number.isInteger(n)) return fail({ code: 'param-not-integer', key });
  if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
    const error: ParamError = { code: 'param-out-of-range', key };
    if (spec.min !== undefined) error.min = spec.min;
    if (spec.max !== undefined) error.max = spec.max;
    return fail(error);
  }
  return ok(n);
}

/**
 * Stop sequences: a list of non-empty strings (whitespace-only ones such as "\n\n" are
 * real stop sequences). A single string is read as Open WebUI's editor does: split on commas.
 * An empty list is refused: sent to Ollama it would remove the model's own stop sequences.
 */
function checkStop(key: string, raw: unknown): ParamResult {
  let list: unknown[];
  if (typeof raw === 'string') list = raw.split(',').filter((s) => s.trim() !== '');
  else if (Array.isArray(raw)) list = raw;
  else return fail({ code: 'param-not-list', key });
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (typeof item !== 'string') return fail({ code: 'param-not-list', key });
    if (item.length === 0) return fail({ code: 'param-list-item-empty', key, index: i });
    out.push(item);
  }
  if (out.length === 0) return fail({ code: 'param-list-empty', key });
  return ok(out);
}

function checkThink(key: string, raw: unknown): ParamResult {
  const b = toBoolean(raw);
  if (b !== null) return ok(b);
  if (typeof raw === 'string') {
    const s = raw.trim().toLowerCase();
    if ((THINK_LEVELS as readonly string[]).includes(s)) return ok(s);
  }
  return fail({ code: 'param-not-allowed', key, allowed: [true, false, ...THINK_LEVELS] });
}

/**
 * `format`: "json", or a JSON schema (an object). A schema is stored as JSON text,
 * normalised to 2-space indentation, so the stored text is the same whichever way it came in.
 */
function checkFormat(key: string, raw: unknown): ParamResult {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (s.toLowerCase() === 'json') return ok('json');
    try {
      value = JSON.parse(s);
    } catch {
      return fail({ code: 'param-bad-format', key });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail({ code: 'param-bad-format', key });
  if (depthOver(value, MAX_SCHEMA_DEPTH)) return fail({ code: 'param-bad-format', key });
  return ok(JSON.stringify(value, null, 2));
}

/** No real JSON schema nests this deep; a hostile one would overflow the stack when written out. */
const MAX_SCHEMA_DEPTH = 64;

/** Iterative, so the check itself cannot overflow the stack. */
function depthOver(root: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Check one parameter value (from the editor or an import) and return the value to store. */
export function validateParam(key: string, raw: unknown): ParamResult {
  if (!isParamKey(key)) return fail({ code: 'param-unknown', key });
  const spec = PARAMS[key];
  switch (spec.kind) {
    case 'number':
    case 'integer':
      return checkNumber(spec, raw);
    case 'enum': {
      const n = toNumber(raw);
      const allowed = spec.options ?? [];
      return n !== null && allowed.includes(n) ? ok(n) : fail({ code: 'param-not-allowed', key, allowed });
    }
    case 'boolean': {
      const b = toBoolean(raw);
      return b === null ? fail({ code: 'param-not-boolean', key }) : ok(b);
    }
    case 'string-list':
      return checkStop(key, raw);
    case 'duration': {
      const v = normalizeKeepAlive(raw);
      return v === null ? fail({ code: 'param-bad-duration', key }) : ok(v);
    }
    case 'think':
      return checkThink(key, raw);
    case 'format':
      return checkFormat(key, raw);
  }
}

export interface ParamsCheck {
  /** the valid parameters, ready to store */
  params: Record<string, ParamValue>;
  /** one entry per refused key, in input order */
  errors: Array<{ key: string; error: ParamError }>;
}

/**
 * Check a whole parameter record (imports). `null`/`undefined` values mean "default" and are
 * skipped without an error, as Open WebUI does. Never throws.
 */
export function validateParams(raw: Readonly<Record<string, unknown>>): ParamsCheck {
  const params: Record<string, ParamValue> = {};
  const errors: ParamsCheck['errors'] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    const r = validateParam(key, value);
    if (r.ok) params[key] = r.value;
    else errors.push({ key, error: r.error });
  }
  return { params, errors };
}
