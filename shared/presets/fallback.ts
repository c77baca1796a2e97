import { sameModelName } from '../ollama/pull-name.ts';

/** Which model a preset runs on this device, and whether that is a fallback. */
export interface ResolvedBase {
  /** the model to send the request to */
  model: string;
  /** set when `model` is a fallback: the base model that is not on this device */
  missing: string | null;
}

const isInstalled = (name: string, installed: readonly string[]) => installed.some((m) => m === name || sameModelName(m, name));

/**
 * The first installed model of `base` then `fallbacks`. Only Ollama names fall back (an
 * OpenAI-compatible reference is not installed anywhere). `installed` is null when this device
 * does not know its models (never listed): the base is kept, and a failure says why.
 * When nothing is installed the base is kept too, so the chat offers to pull it.
 */
export function resolveBaseModel(base: string, fallbacks: readonly string[], installed: readonly string[] | null): ResolvedBase {
  const keep = { model: base, missing: null };
  if (installed === null || base.startsWith('openai:') || isInstalled(base, installed)) return keep;
  const found = fallbacks.find((m) => m.trim() !== '' && !m.startsWith('openai:') && isInstalled(m, installed));
  return found ? { model: found, missing: base } : keep;
}

/**
 * The list as the editor writes it: trimmed, no empties, no repeats (by Ollama's name rules),
 * and never the base model itself.
 */
export function cleanFallbacks(list: readonly string[], base: string): string[] {
  const out: string[] = [];
  for (const raw of list) {
    const m = raw.trim();
    if (!m || m === base || sameModelName(m, base)) continue;
    if (out.some((x) => x === m || sameModelName(x, m))) continue;
    out.push(m);
  }
  return out;
}
