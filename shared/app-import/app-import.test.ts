import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePresetsFile } from './index.ts';

/*
 * Each format from a file as that app writes it (tests/fixtures/app-import, written by hand from
 * the app's published format: lobe-chat-agents `src/*.json`, NextChat's Masks page download,
 * Jan's `assistants/<id>/assistant.json`, old and 0.6 shapes).
 */

const fixture = (name: string) => readFileSync(new URL(`../../tests/fixtures/app-import/${name}`, import.meta.url), 'utf8');

function parsed(name: string, fallbackModel = 'llama3.2:3b') {
  const r = parsePresetsFile(fixture(name), { fallbackModel });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r;
}

describe('a LobeChat agent file', () => {
  it('keeps the system role, title, description, tags and parameters; opening questions become suggestions', () => {
    const r = parsed('lobechat-agent.json');
    expect(r.source).toBe('lobechat');
    expect(r.items).toHaveLength(1);
    const item = r.items[0]!;
    expect(item).toMatchObject({
      slug: 'chef',
      name: 'Culinary AI Mentor',
      baseModel: 'gpt-4o-mini',
      description: 'AI Master Chef Assistant: Inspiring home cooks with international cuisines, recipes, and culinary expertise.',
      tags: ['cooking', 'recipe', 'culinary'],
      params: { frequency_penalty: 0, presence_penalty: 0, temperature: 0.6, top_p: 1, max_tokens: 2048 },
      suggestions: [
        { title: 'What type of cuisine are you interested in cooking today?', subtitle: '', prompt: 'What type of cuisine are you interested in cooking today?' },
        { title: 'Do you have any dietary preferences or restrictions I should know about?', subtitle: '', prompt: 'Do you have any dietary preferences or restrictions I should know about?' },
      ],
      createdAt: Date.parse('2024-01-26'),
    });
    expect(item.system).toMatch(/^Role:\nYou are an AI Master Chef assistant/);
  });

  it('lists what it left out: the emoji avatar, opening message, plugins and examples; and where the model came from', () => {
    const item = parsed('lobechat-agent.json').items[0]!;
    expect(item.notes).toEqual([
      { code: 'base-model-from-file', model: 'gpt-4o-mini' },
      { code: 'avatar-dropped' },
      { code: 'app-field-dropped', field: 'config.openingMessage' },
      { code: 'app-field-dropped', field: 'config.plugins' },
      { code: 'app-field-dropped', field: 'examples' },
    ]);
  });
});

describe("NextChat's masks.json", () => {
  it('makes the system prompt of the system context; the model and parameters from modelConfig', () => {
    const r = parsed('nextchat-masks.json');
    expect(r.source).toBe('nextchat');
    expect(r.items.map((i) => i.name)).toEqual(['Proofreader', 'Terse helper']);
    expect(r.items[0]).toMatchObject({
      slug: 'proofreader',
      baseModel: 'gpt-4o-mini',
      system: "You are a meticulous proofreader. Correct spelling and grammar; keep the author's voice.",
      params: { temperature: 0.3, top_p: 1, max_tokens: 4000, presence_penalty: 0, frequency_penalty: 0 },
      createdAt: 1717171717171,
    });
  });

  it('lists the example messages, the emoji and an invalid value as left out; a mask without a model takes the fallback', () => {
    const [proof, terse] = parsed('nextchat-masks.json').items;
    expect(proof!.notes).toEqual([
      { code: 'base-model-from-file', model: 'gpt-4o-mini' },
      { code: 'app-field-dropped', field: 'context[1]' },
      { code: 'app-field-dropped', field: 'context[2]' },
      { code: 'avatar-dropped' },
    ]);
    expect(terse!.baseModel).toBe('llama3.2:3b');
    expect(terse!.notes).toEqual([
      { code: 'base-model-chosen', model: 'llama3.2:3b' },
      { code: 'param-dropped', key: 'temperature', error: { code: 'param-out-of-range', key: 'temperature', min: 0, max: 2 } },
    ]);
  });

  it('a mask without a model is skipped, with the reason, when no model is installed here', () => {
    const r = parsed('nextchat-masks.json', '');
    expect(r.items.map((i) => i.name)).toEqual(['Proofreader']);
    expect(r.skipped).toEqual([{ index: 1, name: 'Terse helper', reason: { code: 'missing-base-model' } }]);
  });
});

describe("a Jan assistant.json", () => {
  it('older Jan: instructions become the system prompt; "*" (any model) takes the fallback', () => {
    const r = parsed('jan-assistant.json');
    expect(r.source).toBe('jan');
    expect(r.items[0]).toMatchObject({
      slug: 'jan',
      name: 'Jan',
      baseModel: 'llama3.2:3b',
      description: 'A default assistant that can use all downloaded models',
      system: "You are Jan, a helpful assistant running on the user's computer.",
      params: {},
      createdAt: 1715132389207,
    });
    // the retrieval tool is switched off and no file is attached: nothing was lost
    expect(r.items[0]!.notes).toEqual([{ code: 'base-model-chosen', model: 'llama3.2:3b' }]);
  });

  it('Jan 0.6: parameters are kept, the emoji avatar is listed as left out', () => {
    const item = parsed('jan-assistant-0.6.json').items[0]!;
    expect(item).toMatchObject({
      slug: 'study-buddy',
      name: 'Study buddy',
      system: 'Ask me one question at a time and wait for my answer.',
      params: { temperature: 0.7, top_k: 20, top_p: 0.8, repeat_penalty: 1.12 },
    });
    expect(item.notes).toEqual([{ code: 'base-model-chosen', model: 'llama3.2:3b' }, { code: 'avatar-dropped' }]);
  });
});

describe('an Open WebUI file', () => {
  it('still goes to the Open WebUI reader', () => {
    const r = parsePresetsFile(JSON.stringify([{ id: 'a', name: 'A', base_model_id: 'llama3.2' }]), { fallbackModel: '' });
    expect(r.source).toBe('openwebui');
    expect(r.ok && r.items[0]?.slug).toBe('a');
  });
});
