import type { ModelInfo } from '../chat/model-catalog.ts';
import type { OpenAIConnectionsStore } from './connections.ts';

/** What the chat knows about `openai:<connectionId>:<model>` (see client/chat/model-catalog.ts). */
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
