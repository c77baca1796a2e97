import type { PresetExtra } from './types.ts';

/*
 * A preset's kept Open WebUI fields travel as JSON text (PresetDoc.extra). Reading is
 * defensive: the text comes from a synced document, so anything malformed reads as "none"
 * rather than breaking an export.
 */

type Rec = Record<string, unknown>;

function isRecord(x: unknown): x is Rec {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function stringRecord(x: unknown): Record<string, string> | undefined {
  if (!isRecord(x)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(x)) if (typeof val === 'string') out[k] = val;
  return out;
}

function recordOfRecords(x: unknown): Record<string, Rec> | undefined {
  if (!isRecord(x)) return undefined;
  const out: Record<string, Rec> = {};
  for (const [k, val] of Object.entries(x)) if (isRecord(val)) out[k] = val;
  return out;
}

export function encodePresetExtra(extra: PresetExtra): string {
  return JSON.stringify(extra);
}

export function decodePresetExtra(text: string | null | undefined): PresetExtra {
  if (!text) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  if (!isRecord(raw)) return {};
  const out: PresetExtra = {};
  if (isRecord(raw.element)) out.element = raw.element;
  if (isRecord(raw.params)) out.params = raw.params;
  if (isRecord(raw.meta)) out.meta = raw.meta;
  const names = stringRecord(raw.paramNames);
  if (names) out.paramNames = names;
  const knowledge = recordOfRecords(raw.knowledge);
  if (knowledge) out.knowledge = knowledge;
  return out;
}
