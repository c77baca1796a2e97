import { describe, expect, it } from 'vitest';
import { contextLengthOf, loadInstalledModels, showInfoFrom, toInstalled, toKnownModel, type ShowInfo } from './installed.ts';
import { isSafari } from './client.ts';

const tag = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  model: name,
  modified_at: '2025-01-01T00:00:00Z',
  size: 2_019_393_189,
  digest: `digest-${name}`,
  details: { family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
  ...extra,
});

describe('installed models', () => {
  it('reads the context length of the architecture', () => {
    expect(contextLengthOf({ 'general.architecture': 'llama', 'llama.context_length': 131072 })).toBe(131072);
    expect(contextLengthOf(new Map<string, unknown>([['qwen3.context_length', 40960]]))).toBe(40960);
    expect(contextLengthOf(null)).toBeUndefined();
  });

  it('maps a tags item with its show info, and skips malformed items', () => {
    const m = toInstalled(tag('llama3.2:latest', { capabilities: ['completion'] }), { capabilities: ['completion', 'tools'], contextLength: 131072 }, ['llama3.2']);
    expect(m).toMatchObject({
      name: 'llama3.2:latest',
      family: 'llama',
      parameterSize: '3.2B',
      quantization: 'Q4_K_M',
      capabilities: ['completion', 'tools'],
      loaded: true,
      contextLength: 131072,
    });
    expect(toInstalled({ size: 3 }, undefined, [])).toBeNull();
    expect(toInstalled('x', undefined, [])).toBeNull();
    // Without /api/show, the capabilities of /api/tags (Ollama ≥ 0.30) are used.
    expect(toInstalled(tag('a', { capabilities: ['embedding'] }), undefined, [])?.capabilities).toEqual(['embedding']);
    expect(toKnownModel(m!)).toEqual({
      name: 'llama3.2:latest',
      size: 2_019_393_189,
      family: 'llama',
      parameterSize: '3.2B',
      quantization: 'Q4_K_M',
      capabilities: ['completion', 'tools'],
      digest: 'digest-llama3.2:latest',
      contextLength: 131072,
    });
  });

  it('loads, sorts, and asks /api/show only for digests it does not know', async () => {
    const shows: string[] = [];
    const client = {
      list: async () => ({ models: [tag('qwen3:4b'), tag('llava:7b'), { bad: true }] }) as never,
      ps: async () => ({ models: [{ name: 'llava:7b' }] }) as never,
      show: async (model: string) => {
        shows.push(model);
        return { capabilities: ['completion', model === 'llava:7b' ? 'vision' : 'thinking'], model_info: {} } as never;
      },
    };
    const cache = new Map<string, ShowInfo>();
    const first = await loadInstalledModels(client, cache);
    expect(first.map((m) => [m.name, m.capabilities, m.loaded])).toEqual([
      ['llava:7b', ['completion', 'vision'], true],
      ['qwen3:4b', ['completion', 'thinking'], false],
    ]);
    expect(shows.sort()).toEqual(['llava:7b', 'qwen3:4b']);
    await loadInstalledModels(client, cache);
    expect(shows).toHaveLength(2);
    expect(showInfoFrom('nope')).toBeNull();
  });

  it('keeps the details of two names that share one digest apart (an embedding alias of a chat model)', async () => {
    const client = {
      list: async () => ({ models: [tag('llama3.2:latest', { digest: 'same' }), tag('my-embedder:latest', { digest: 'same' })] }) as never,
      ps: async () => ({ models: [] }) as never,
      show: async (model: string) => ({ capabilities: model === 'my-embedder:latest' ? ['embedding'] : ['completion'], model_info: {} }) as never,
    };
    const cache = new Map<string, ShowInfo>();
    for (let round = 0; round < 2; round++) {
      const models = await loadInstalledModels(client, cache);
      expect(models.map((m) => [m.name, m.capabilities])).toEqual([
        ['llama3.2:latest', ['completion']],
        ['my-embedder:latest', ['embedding']],
      ]);
    }
  });
});

describe('isSafari', () => {
  it('tells WebKit browsers apart', () => {
    expect(isSafari('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15')).toBe(true);
    expect(isSafari('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1')).toBe(true);
    expect(isSafari('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36')).toBe(false);
    expect(isSafari('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Mobile Safari/537.36')).toBe(false);
    expect(isSafari('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe(false);
  });
});
