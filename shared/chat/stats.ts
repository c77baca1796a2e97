/*
 * Generation statistics from Ollama's final stream line (durations in nanoseconds), kept on the
 * answer and shown after it as tokens per second.
 */

const STAT_KEYS = ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'] as const;

/** The numeric statistics of a final (`done: true`) line; other fields are ignored. */
export function statsFromDone(line: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of STAT_KEYS) {
    const v = line[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = v;
  }
  return out;
}

/** Generation speed, one decimal; null when Ollama did not report it. */
export function tokensPerSecond(stats: Readonly<Record<string, number>>): number | null {
  const count = stats.eval_count;
  const ns = stats.eval_duration;
  if (count === undefined || ns === undefined || ns <= 0 || count <= 0) return null;
  return Math.round((count / (ns / 1e9)) * 10) / 10;
}
