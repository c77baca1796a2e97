import { describe, expect, it } from 'vitest';
import { cleanFallbacks, resolveBaseModel } from './fallback.ts';

describe('resolveBaseModel', () => {
  it('keeps the base model when it is installed, even with fallbacks', () => {
    expect(resolveBaseModel('llama3.2', ['qwen3:4b'], ['llama3.2:latest', 'qwen3:4b'])).toEqual({ model: 'llama3.2', missing: null });
  });
  it('uses the first installed fallback, in the preset’s order, when the base is missing', () => {
    expect(resolveBaseModel('mistral:7b', ['gemma3', 'qwen3:4b', 'llama3.2'], ['llama3.2:latest', 'qwen3:4b'])).toEqual({ model: 'qwen3:4b', missing: 'mistral:7b' });
  });
  it('keeps the base (so the chat offers to pull it) when no fallback is installed', () => {
    expect(resolveBaseModel('mistral:7b', ['gemma3'], ['llama3.2:latest'])).toEqual({ model: 'mistral:7b', missing: null });
  });
  it('keeps the base when this device never listed its models', () => {
    expect(resolveBaseModel('mistral:7b', ['llama3.2'], null)).toEqual({ model: 'mistral:7b', missing: null });
  });
  it('never falls back from or to an OpenAI-compatible model', () => {
    expect(resolveBaseModel('openai:c1:gpt-4o', ['llama3.2'], ['llama3.2:latest'])).toEqual({ model: 'openai:c1:gpt-4o', missing: null });
    expect(resolveBaseModel('mistral:7b', ['openai:c1:gpt-4o', 'llama3.2'], ['llama3.2:latest'])).toEqual({ model: 'llama3.2', missing: 'mistral:7b' });
  });
});

describe('cleanFallbacks', () => {
  it('trims, drops empties, repeats and the base model itself', () => {
    expect(cleanFallbacks([' qwen3:4b ', '', 'llama3.2', 'llama3.2:latest', 'mistral:7b'], 'mistral:7b')).toEqual(['qwen3:4b', 'llama3.2']);
  });
});
