/** How a conversation names the model it talks to: a preset of the workspace, an Ollama model as is, or a model of an OpenAI-compatible connection. */
export type ModelRef = `preset:${string}` | `ollama:${string}` | `openai:${string}:${string}`;

export function presetRef(id: string): ModelRef {
  return `preset:${id}`;
}

/** `preset:<id>` → the preset's id; null for other refs. */
export function presetIdOf(ref: string | null | undefined): string | null {
  return ref?.startsWith('preset:') ? ref.slice('preset:'.length) : null;
}

export function ollamaRef(name: string): ModelRef {
  return `ollama:${name}`;
}

/** A model of an OpenAI-compatible connection (client/openai/connections.ts). */
export function openaiRef(connectionId: string, model: string): ModelRef {
  return `openai:${connectionId}:${model}`;
}

/** `openai:<connectionId>:<model>` → its parts (the model may contain colons); null for other refs. */
export function parseOpenAIRef(ref: string | null | undefined): { connectionId: string; model: string } | null {
  const m = ref ? /^openai:([^:]+):(.+)$/.exec(ref) : null;
  return m ? { connectionId: m[1]!, model: m[2]! } : null;
}
