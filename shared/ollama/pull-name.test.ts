import { describe, expect, it } from 'vitest';
import { displayModelName, isValidModelName, parseModelName, parsePullInput, pullOfferName, sameModelName } from './pull-name.ts';

describe('parsePullInput', () => {
  it.each([
    ['llama3.2', 'llama3.2'],
    ['  qwen3:4b  ', 'qwen3:4b'],
    ['ollama run hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M', 'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M'],
    ['ollama run hf.co/unsloth/gemma-3-270m-it-GGUF', 'hf.co/unsloth/gemma-3-270m-it-GGUF'],
    ['ollama pull llama3.2:1b', 'llama3.2:1b'],
    ['$ ollama pull mistral', 'mistral'],
    ['ollama run --verbose llama3.2', 'llama3.2'],
    ['ollama run llama3.2 "why is the sky blue?"', 'llama3.2'],
    ['OLLAMA RUN Llama3.2', 'Llama3.2'],
    ['jmorgan/llava-phi3:latest', 'jmorgan/llava-phi3:latest'],
    ['hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:IQ3_M', 'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:IQ3_M'],
    ['https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF', 'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF'],
    ['https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/tree/main', 'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF'],
    ['https://ollama.com/library/llama3.2:3b', 'llama3.2:3b'],
    ['https://ollama.com/library/qwen3', 'qwen3'],
    ['https://ollama.com/jmorgan/llava-phi3', 'jmorgan/llava-phi3'],
    ['"llama3.2"', 'llama3.2'],
    ['ollama run llama3.2\nsecond line ignored', 'llama3.2'],
    ['registry.ollama.ai/library/llama3.2:latest', 'registry.ollama.ai/library/llama3.2:latest'],
    ['my-registry.local:5000/team/model:v1', 'my-registry.local:5000/team/model:v1'],
  ])('%j → %j', (input, expected) => {
    expect(parsePullInput(input)).toBe(expected);
  });

  it.each([
    '',
    '   ',
    'ollama',
    'ollama list',
    'ollama serve',
    'ollama run',
    'llama 3.2',
    'bad name!',
    'llama3.2:',
    ':latest',
    '-llama',
    'hf.co/user.name/repo',
    'a/b/c/d',
    'https://huggingface.co/bartowski',
    'https://huggingface.co/models?search=llama',
    'https://ollama.com/search',
    'x'.repeat(81),
    'model:' + 't'.repeat(81),
  ])('%j → null', (input) => {
    expect(parsePullInput(input)).toBeNull();
  });
});

describe('Ollama name rules', () => {
  it('fills defaults like ParseName', () => {
    expect(parseModelName('llama3.2')).toEqual({ host: 'registry.ollama.ai', namespace: 'library', model: 'llama3.2', tag: 'latest' });
    expect(parseModelName('hf.co/u/r:Q4_K_M')).toEqual({ host: 'hf.co', namespace: 'u', model: 'r', tag: 'Q4_K_M' });
    expect(parseModelName('https://hf.co/u/r')).toEqual({ host: 'hf.co', namespace: 'u', model: 'r', tag: 'latest' });
    expect(parseModelName('u/r@sha256:abc')).toEqual({ host: 'registry.ollama.ai', namespace: 'u', model: 'r', tag: 'latest' });
  });

  it('validates parts', () => {
    expect(isValidModelName('_private')).toBe(true);
    expect(isValidModelName('a')).toBe(true);
    expect(isValidModelName('.hidden')).toBe(false);
    expect(isValidModelName('ns.with.dot/model')).toBe(false);
    expect(isValidModelName('model:tag:extra')).toBe(false);
    expect(isValidModelName('localhost:5000/ns/model')).toBe(true);
  });

  it('displays names like /api/tags', () => {
    expect(displayModelName('llama3.2')).toBe('llama3.2:latest');
    expect(displayModelName('registry.ollama.ai/library/llama3.2:1b')).toBe('llama3.2:1b');
    expect(displayModelName('jmorgan/llava-phi3')).toBe('jmorgan/llava-phi3:latest');
    expect(displayModelName('hf.co/u/r')).toBe('hf.co/u/r:latest');
    expect(displayModelName('bad name')).toBeNull();
  });

  it('compares names like Ollama (defaults, case)', () => {
    expect(sameModelName('llama3.2', 'LLaMA3.2:latest')).toBe(true);
    expect(sameModelName('llama3.2', 'registry.ollama.ai/library/llama3.2:latest')).toBe(true);
    expect(sameModelName('llama3.2', 'llama3.2:1b')).toBe(false);
    expect(sameModelName('hf.co/u/r', 'hf.co/u/r:latest')).toBe(true);
    expect(sameModelName('bad name', 'bad name')).toBe(false);
  });
});

describe('pullOfferName (what a search box offers to pull)', () => {
  it.each([
    ['nosuchmodel', 'nosuchmodel'],
    ['llama3.2', 'llama3.2'],
    ['Llama3.2:1B', 'Llama3.2:1B'],
    ['hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF', 'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF'],
    ['ollama run Mistral', 'Mistral'],
  ])('offers %j as %j', (input, expected) => {
    expect(pullOfferName(input)).toBe(expected);
  });
  it.each(['Coder', 'Secret', 'SQL', 'Téléphone', 'secret one'])('does not offer a search like %j', (input) => {
    expect(pullOfferName(input)).toBeNull();
  });
});
