import { PARAM_LIST } from './catalogue.ts';

/*
 * Custom parameters: any Ollama option the catalogue (catalogue.ts) does not know, set by the
 * person (or kept from an Open WebUI `params`). Stored per key as the value's JSON text (one
 * value, so two devices changing it never merge it by character) and sent under `options`.
 *
 * Values are "JSON-ish", as typed in Open WebUI's custom parameter rows: JSON (`42`, `true`,
 * `"text"`, `[1, 2]`, `{"a": 1}`), or a bare word without quotes, spaces or brackets, read as
 * text (`q8_0`). Anything else is refused with a reason: it would reach Ollama as something the
 * person did not mean.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type CustomParamError =
  | { code: 'custom-key-empty' }
  | { code: 'custom-key-bad'; key: string }
  /** the catalogue has this parameter (or sends it under this name): set it there */
  | { code: 'custom-key-known'; key: string }
  | { code: 'custom-value-empty'; key: string }
  | { code: 'custom-value-bad'; key: string };

export type CustomKeyResult = { ok: true; key: string } | { ok: false; error: CustomParamError };
export type CustomValueResult = { ok: true; json: string; value: JsonValue } | { ok: false; error: CustomParamError };

/** Names an option cannot take: the catalogue's keys, the Ollama names it sends them under, the prompt, prototype keys. */
const RESERVED: ReadonlySet<string> = new Set([
  ...PARAM_LIST.map((s) => s.key),
  ...PARAM_LIST.map((s) => s.target.name),
  'system',
  '__proto__',
  'constructor',
  'prototype',
]);

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const BARE_WORD = /^[^\s"'{}[\],:]+$/;
const MAX_VALUE_CHARS = 10_000;

export function checkCustomKey(raw: string): CustomKeyResult {
  const key = raw.trim();
  if (key === '') return { ok: false, error: { code: 'custom-key-empty' } };
  if (!KEY.test(key)) return { ok: false, error: { code: 'custom-key-bad', key } };
  if (RESERVED.has(key)) return { ok: false, error: { code: 'custom-key-known', key } };
  return { ok: true, key };
}

/** A typed value (JSON-ish text) → its JSON text to store. */
export function parseCustomValue(key: string, raw: string): CustomValueResult {
  const s = raw.trim();
  if (s === '') return { ok: false, error: { code: 'custom-value-empty', key } };
  if (s.length > MAX_VALUE_CHARS) return { ok: false, error: { code: 'custom-value-bad', key } };
  try {
    const value = JSON.parse(s) as JsonValue;
    return { ok: true, json: JSON.stringify(value), value };
  } catch {
    if (BARE_WORD.test(s)) return { ok: true, json: JSON.stringify(s), value: s };
    return { ok: false, error: { code: 'custom-value-bad', key } };
  }
}

/** Any value (an import's `params`) → its JSON text, or null when it cannot be one (a function, a cycle). */
export function customJsonOf(value: unknown): string | null {
  if (value === undefined) return null;
  try {
    const json = JSON.stringify(value);
    return typeof json === 'string' && json.length <= MAX_VALUE_CHARS ? json : null;
  } catch {
    return null;
  }
}

/** How the editor shows a stored value: a text as its bare word when it is one, else the JSON. */
export function customValueText(json: string): string {
  try {
    const v = JSON.parse(json) as unknown;
    return typeof v === 'string' && BARE_WORD.test(v) ? v : JSON.stringify(v);
  } catch {
    return json;
  }
}

/**
 * The stored custom parameters as Ollama options. A key that is (now) reserved, or a text that is
 * not JSON (a broken device), is left out rather than sent.
 */
export function customOptions(custom: Readonly<Record<string, string>> | undefined): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  if (!custom) return out;
  for (const [key, json] of Object.entries(custom)) {
    if (!checkCustomKey(key).ok || key !== key.trim()) continue;
    try {
      out[key] = JSON.parse(json) as JsonValue;
    } catch {
      // not JSON: left out
    }
  }
  return out;
}
