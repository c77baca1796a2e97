import { defineStoreContext } from '../context/define-context.tsx';
import { createKnownModels, type KnownModelsStore } from './known-models.ts';

/** The last known models of this device's Ollama (device-local). */
const OllamaModels = defineStoreContext<KnownModelsStore>({ use: 'useOllamaModels', provider: 'OllamaModelsProvider' }, createKnownModels);

export const OllamaModelsProvider = OllamaModels.Provider;
export const useOllamaModels = OllamaModels.use;
