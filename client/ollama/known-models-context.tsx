import { createContext, useContext, type ParentProps } from 'solid-js';
import { createKnownModels, type KnownModelsStore } from './known-models.ts';

/** The last known models of this device's Ollama (device-local). */
const OllamaModelsContext = createContext<KnownModelsStore>();

export function OllamaModelsProvider(props: ParentProps) {
  const store = createKnownModels();
  return <OllamaModelsContext.Provider value={store}>{props.children}</OllamaModelsContext.Provider>;
}

export function useOllamaModels(): KnownModelsStore {
  const models = useContext(OllamaModelsContext);
  if (!models) throw new Error('useOllamaModels outside OllamaModelsProvider');
  return models;
}
