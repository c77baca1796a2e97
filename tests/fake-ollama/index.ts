export { startFakeOllama } from './server.ts';
export type { ChatScript, EmbedScript, FakeModel, FakeOllama, FakeOllamaOptions, PullableSpec, RecordedRequest } from './types.ts';
export { ollamaDefaultOrigins, ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS } from './cors.ts';
export { embedText } from './routes/embed.ts';
export { MANIFEST_NOT_FOUND } from './routes/pull.ts';
export { OLLAMA_VERSION } from './routes/models.ts';
export { DEMO_MODELS, DEMO_PULLABLE } from './demo.ts';
export { OPENAI_DEFAULT_MODELS, type FakeOpenAI, type OpenAIChatScript, type OpenAIModeOptions, type OpenAIErrorSpec } from './openai.ts';
