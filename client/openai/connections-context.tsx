import { createContext, useContext, type ParentProps } from 'solid-js';
import { createOpenAIConnections, type OpenAIConnectionsStore } from './connections.ts';

/** This device's OpenAI-compatible endpoints and their keys (device-local, never synced). */
const OpenAIConnectionsContext = createContext<OpenAIConnectionsStore>();

export function OpenAIConnectionsProvider(props: ParentProps) {
  const store = createOpenAIConnections();
  return <OpenAIConnectionsContext.Provider value={store}>{props.children}</OpenAIConnectionsContext.Provider>;
}

export function useOpenAIConnections(): OpenAIConnectionsStore {
  const connections = useContext(OpenAIConnectionsContext);
  if (!connections) throw new Error('useOpenAIConnections outside OpenAIConnectionsProvider');
  return connections;
}
