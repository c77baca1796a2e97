import * as v from 'valibot';
import { createPersisted, validItems } from '../device/persisted.ts';

/**
 * The last known list of models installed in this device's Ollama, kept on the device
 * so the preset editor and the chat selector work when Ollama is unreachable or offline.
 */
export interface KnownModel {
  name: string;
  size: number;
  family: string;
  parameterSize: string;
  quantization: string;
  /** from /api/show when known: completion, tools, vision, thinking, embedding, insert */
  capabilities: string[];
  /** Optional, added by Settings › Connections: lets a refresh reuse /api/show answers. */
  digest?: string;
  /** `<arch>.context_length` from /api/show, when known. */
  contextLength?: number;
}

/** Old lists lacked some fields: those get neutral values rather than the model being dropped. */
const Known = v.object({
  name: v.string(),
  size: v.fallback(v.number(), 0),
  family: v.fallback(v.string(), ''),
  parameterSize: v.fallback(v.string(), ''),
  quantization: v.fallback(v.string(), ''),
  capabilities: v.fallback(v.array(v.string()), []),
  digest: v.fallback(v.optional(v.string()), undefined),
  contextLength: v.fallback(v.optional(v.number()), undefined),
});

export type KnownModelsStore = ReturnType<typeof createKnownModels>;

/** Reactive list, persisted on every save and followed across tabs; created once by the WorkspaceProvider. */
export function createKnownModels() {
  const [models, save] = createPersisted<KnownModel[]>({
    key: 'atelier.ollama.models',
    what: 'knownModels',
    schema: v.array(Known),
    fallback: () => [],
    salvage: validItems(Known),
  });
  return { models, save: (list: KnownModel[]) => save(list) };
}
