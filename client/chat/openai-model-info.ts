import type { ModelInfo } from './model-catalog.ts';
import type { OpenAIConnectionsStore } from '../openai/connections.ts';

/** What the chat knows about `openai:<connectionId>:<model>` (see model-catalog.ts). */
export function openAIModelInfo(store: OpenAIConnectionsStore, ref: string, connectionId: string, model: string): ModelInfo {
  return {
    ref,
    name: model,
    modelId: model,
    avatar: null,
    vision: store.isVision(connectionId, model),
    suggestions: [],
    target: { kind: 'base', model: ref },
    ollamaModel: model,
  };
}
