import { defineStoreContext } from '../context/define-context.tsx';
import { createOpenAIConnections, type OpenAIConnectionsStore } from './connections.ts';

/** This device's OpenAI-compatible endpoints and their keys (device-local, never synced). */
const OpenAIConnections = defineStoreContext<OpenAIConnectionsStore>(
  { use: 'useOpenAIConnections', provider: 'OpenAIConnectionsProvider' },
  createOpenAIConnections,
);

export const OpenAIConnectionsProvider = OpenAIConnections.Provider;
export const useOpenAIConnections = OpenAIConnections.use;
