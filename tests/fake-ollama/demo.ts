/** Demo data for `npm run fake-ollama` (and handy in end-to-end tests). */
import type { FakeModel, PullableSpec } from './types.ts';

export const DEMO_MODELS: FakeModel[] = [
  { name: 'llama3.2', family: 'llama', parameterSize: '3.2B', quantization: 'Q4_K_M', size: 2_019_393_189, capabilities: ['completion', 'tools'], contextLength: 131072, loaded: true },
  { name: 'llava:7b', family: 'llama', parameterSize: '7B', quantization: 'Q4_0', size: 4_733_363_377, capabilities: ['completion', 'vision'], contextLength: 32768 },
  { name: 'qwen3:4b', family: 'qwen3', parameterSize: '4.0B', quantization: 'Q4_K_M', size: 2_497_293_918, capabilities: ['completion', 'tools', 'thinking'], contextLength: 40960 },
  { name: 'nomic-embed-text', family: 'nomic-bert', parameterSize: '137M', quantization: 'F16', size: 274_302_450, capabilities: ['embedding'], contextLength: 2048, embeddingLength: 768 },
];

export const DEMO_PULLABLE: Record<string, PullableSpec> = {
  'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M': { layers: 4, totalBytes: 807_694_464, model: { family: 'llama', parameterSize: '1.2B', quantization: 'Q4_K_M', capabilities: ['completion', 'tools'] } },
  'hf.co/unsloth/gemma-3-270m-it-GGUF': { layers: 3, totalBytes: 253_113_952, model: { family: 'gemma3', parameterSize: '268M', quantization: 'Q8_0', capabilities: ['completion'] } },
  'smollm2:135m': { layers: 5, totalBytes: 270_898_362, model: { family: 'llama', parameterSize: '134.52M', quantization: 'F16', capabilities: ['completion', 'tools'] } },
};
