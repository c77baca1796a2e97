import type { OllamaClient } from '../ollama/client.ts';
import type { ChatTarget } from '../../shared/chat/request.ts';
import { asOllamaClient, createOpenAIClient } from './client.ts';
import type { OpenAIConnectionsStore } from './connections.ts';
import { OllamaError } from '../ollama/client.ts';

/**
 * Which connection runs a model reference: `openai:<connectionId>:<model>` refs, and presets
 * whose base model is written `openai:<connectionId>:<model>`, go to that OpenAI-compatible
 * connection; everything else to Ollama.
 */
export function openAIConnectionOf(ref: string | null | undefined, target: ChatTarget | null | undefined): { connectionId: string; model: string } | null {
  const fromString = (s: string | null | undefined) => {
    const m = s ? /^openai:([^:]+):(.+)$/.exec(s) : null;
    return m ? { connectionId: m[1]!, model: m[2]! } : null;
  };
  if (ref?.startsWith('openai:')) return fromString(ref);
  if (target?.kind === 'preset') return fromString(target.preset.baseModel);
  if (target?.kind === 'base') return fromString(target.model);
  return null;
}

/**
 * The client an answer streams from: the Ollama client, or the OpenAI-compatible connection
 * seen through the same interface (chat/chatOnce/diagnoseError, Ollama-shaped chunks).
 */
export function chatClientFor(
  store: OpenAIConnectionsStore,
  ref: string | null | undefined,
  target: ChatTarget | null | undefined,
  ollama: OllamaClient,
): OllamaClient {
  const which = openAIConnectionOf(ref, target);
  if (!which) return ollama;
  const connection = store.byId(which.connectionId);
  if (!connection) {
    // the connection was removed on this device (or the conversation came from another device)
    const gone = new OllamaError({ code: 'endpoint-model-not-found', endpoint: which.connectionId, model: which.model, message: '' }, undefined);
    return {
      ...ollama,
      endpoint: '',
      chat: () => Promise.reject(gone),
      chatOnce: () => Promise.reject(gone),
      diagnoseError: (e) => ollama.diagnoseError(e),
    };
  }
  return asOllamaClient(createOpenAIClient(connection), { vision: () => store.isVision(connection.id, which.model) });
}
