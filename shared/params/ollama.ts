import type { ParamValue } from '../schema/preset.ts';
import { PARAM_LIST, validateParam, type ThinkLevel } from './catalogue.ts';
import type { JsonValue } from './custom.ts';

/** The catalogue's options are numbers, booleans and the stop list; custom ones any JSON value. */
export type OllamaOptionValue = number | boolean | string[] | JsonValue;

/** The request fields a preset's parameters turn into. Keys are present only when set. */
export interface OllamaParamFields {
  options?: Record<string, OllamaOptionValue>;
  keep_alive?: string | number;
  think?: boolean | ThinkLevel;
  format?: 'json' | Record<string, unknown>;
}

/**
 * Split stored parameters into Ollama's `options` (under Ollama's names: max_tokens →
 * num_predict) and the top-level `keep_alive`, `think`, `format` (a schema text becomes an
 * object). Values are re-checked: a key this build does not know, or a value that is not
 * valid (e.g. synced from a broken device), is left out rather than sent.
 */
export function toOllamaParams(params: Readonly<Record<string, ParamValue>>): OllamaParamFields {
  const out: OllamaParamFields = {};
  const options: Record<string, OllamaOptionValue> = {};
  for (const spec of PARAM_LIST) {
    const raw = params[spec.key];
    if (raw === undefined || raw === null) continue;
    const checked = validateParam(spec.key, raw);
    if (!checked.ok) continue;
    const value = checked.value;
    if (spec.target.where === 'options') {
      if (typeof value !== 'string') options[spec.target.name] = Array.isArray(value) ? [...value] : value;
      continue;
    }
    switch (spec.target.name) {
      case 'keep_alive':
        if (typeof value === 'string' || typeof value === 'number') out.keep_alive = value;
        break;
      case 'think':
        if (typeof value === 'boolean') out.think = value;
        else if (typeof value === 'string') out.think = value as ThinkLevel;
        break;
      case 'format':
        if (value === 'json') out.format = 'json';
        else if (typeof value === 'string') out.format = JSON.parse(value) as Record<string, unknown>;
        break;
    }
  }
  if (Object.keys(options).length > 0) out.options = options;
  return out;
}
