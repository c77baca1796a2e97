/**
 * `npm run fake-ollama`: a fake Ollama for demos, on FAKE_OLLAMA_PORT (default 11434).
 * FAKE_OLLAMA_HOST (default 127.0.0.1), OLLAMA_ORIGINS (comma list, like the real one),
 * FAKE_OLLAMA_TPS (tokens per second, default 25), FAKE_OLLAMA_PULL_DELAY_MS (default 150).
 */
import { DEMO_MODELS, DEMO_PULLABLE } from './demo.ts';
import { startFakeOllama } from './server.ts';

const port = Number(process.env.FAKE_OLLAMA_PORT ?? 11434);
const host = process.env.FAKE_OLLAMA_HOST ?? '127.0.0.1';
const origins = (process.env.OLLAMA_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);

const fake = await startFakeOllama({
  port,
  host,
  origins,
  models: DEMO_MODELS,
  tokensPerSecond: Number(process.env.FAKE_OLLAMA_TPS ?? 25),
  pullStepDelayMs: Number(process.env.FAKE_OLLAMA_PULL_DELAY_MS ?? 150),
  pullSteps: 20,
});
fake.setPullable(DEMO_PULLABLE);

console.log(`Fake Ollama listening on ${fake.url}`);
console.log(`Models: ${fake.modelNames().join(', ')}`);
console.log(`Pullable: ${Object.keys(DEMO_PULLABLE).join(', ')}`);
if (origins.length) console.log(`Extra allowed origins: ${origins.join(', ')}`);

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  void fake.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
