import { createSignal } from 'solid-js';

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

const KEY = 'atelier.ollama.models';

function read(): KnownModel[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    if (!Array.isArray(raw)) return [];
    return raw.filter((m): m is KnownModel => typeof m === 'object' && m !== null && typeof (m as KnownModel).name === 'string');
  } catch {
    return [];
  }
}

export type KnownModelsStore = ReturnType<typeof createKnownModels>;

/** Reactive list, persisted on every save; created once by the WorkspaceProvider. */
export function createKnownModels() {
  const [models, setModels] = createSignal<KnownModel[]>(read());
  const save = (list: KnownModel[]) => {
    localStorage.setItem(KEY, JSON.stringify(list));
    setModels(list);
  };
  return { models, save };
}
