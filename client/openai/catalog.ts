import type { ModelInfo } from '../chat/model-catalog.ts';
import { openAIConnections } from './connections.ts';

/** What the chat knows about `openai:<connectionId>:<model>` (see client/chat/model-catalog.ts). */
export function openAIModelInfo(ref: string, connectionId: string, model: string): ModelInfo {
  const store = openAIConnections();
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
