/** How a conversation names the model it talks to: a preset of the workspace, or an Ollama model as is. */
export type ModelRef = `preset:${string}` | `ollama:${string}`;

export function presetRef(id: string): ModelRef {
  return `preset:${id}`;
}

export function ollamaRef(name: string): ModelRef {
  return `ollama:${name}`;
}
