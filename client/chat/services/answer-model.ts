import type { DocHandle } from '@automerge/automerge-repo';
import type { ConversationDoc, PresetView } from '../../../shared/schema/index.ts';
import type { ChatTarget } from '../../../shared/chat/request.ts';
import type { OllamaClient } from '../../ollama/client.ts';
import type { ModelInfo } from '../model-catalog.ts';
import type { AnswerHooks } from '../../tools/answer-hooks.ts';
import type { AnswerModel } from './start-answers.ts';

export interface AnswerModelDeps {
  info(ref: string | null): Pick<ModelInfo, 'target' | 'ollamaModel' | 'name' | 'vision'> | null;
  /** the preset of a `preset:<id>` reference, if loaded */
  preset(ref: string | null): PresetView | undefined;
  /** the device's Ollama client */
  ollama(): OllamaClient;
  /** the client the answer streams from: Ollama, or the OpenAI-compatible connection of `ref` */
  clientFor(ref: string | null, target: ChatTarget | null | undefined, ollama: OllamaClient): OllamaClient;
  /** a preset's documents, tools and filters around one answer (client/tools/answer-hooks.ts) */
  hooks(args: { preset: PresetView; client: OllamaClient; handle: DocHandle<ConversationDoc>; answerId: string }): AnswerHooks;
}

/**
 * How one answer calls its model. Invariant: only a preset's own answer gets hooks; a merged
 * answer only combines the answers (no retrieval, tools or filters of its own), a plain model
 * has none. A model that is gone has no target (the answer then fails as "model not found").
 */
export function answerModel(deps: AnswerModelDeps, ref: string | null, handle: DocHandle<ConversationDoc>, answerId: string, merging: boolean): AnswerModel {
  const ollama = deps.ollama();
  const info = deps.info(ref);
  const preset = merging ? undefined : deps.preset(ref);
  return {
    client: deps.clientFor(ref, info?.target, ollama),
    target: info?.target ?? null,
    ollamaModel: info?.ollamaModel || info?.name || ref || '',
    vision: info?.vision === true,
    hooks: preset ? deps.hooks({ preset, client: ollama, handle, answerId }) : undefined,
  };
}
