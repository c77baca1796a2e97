import { describe, expect, it } from 'vitest';
import { Repo } from '@automerge/automerge-repo';
import { initialConversation, initialPreset, type ConversationDoc, type PresetView } from '../../../shared/schema/index.ts';
import type { OllamaClient } from '../../ollama/client.ts';
import type { AnswerHooks } from '../../tools/answer-hooks.ts';
import { chatToolsOf, offInChat, type ToolPreset } from './chat-tools.ts';
import { answerModel, type AnswerModelDeps } from './answer-model.ts';

const preset = (tools: string[], filters: string[], off: string[] = []): ToolPreset => ({
  toolIds: Object.fromEntries(tools.map((t) => [t, true])) as Record<string, true>,
  filterIds: Object.fromEntries(filters.map((f) => [f, true])) as Record<string, true>,
  ...(off.length ? { chatOff: Object.fromEntries(off.map((t) => [t, true])) as Record<string, true> } : {}),
});

describe('tools of a chat', () => {
  it('each tool and filter of the chosen presets appears once, on unless its preset starts it off', () => {
    const tools = chatToolsOf([preset(['calc', 'web'], ['clean'], ['web']), preset(['calc', 'clock'], [], ['calc'])], {});
    expect(tools).toEqual([
      { id: 'calc', on: true },
      { id: 'web', on: false },
      { id: 'clean', on: true },
      { id: 'clock', on: true },
    ]);
    expect([...offInChat(tools)]).toEqual(['web']);
  });

  it('the choice made in this chat wins over the presets\' defaults', () => {
    const tools = chatToolsOf([preset(['calc', 'web'], [], ['web'])], { calc: false, web: true, gone: true });
    expect(tools).toEqual([
      { id: 'calc', on: false },
      { id: 'web', on: true },
    ]);
    expect([...offInChat(tools)]).toEqual(['calc']);
  });
});

describe('how an answer calls its model', () => {
  const handle = new Repo({ network: [] }).create<ConversationDoc>(initialConversation('c', '', [], 1));
  const ollama = { endpoint: 'http://ollama' } as unknown as OllamaClient;
  const hooks: AnswerHooks = { prepare: async (request) => ({ request, sources: [] }), runTool: async () => ({ result: '', error: false }), outlet: async (c) => c };
  const p: PresetView = initialPreset({ id: 'p1', slug: 'helper', name: 'Helper', baseModel: 'llama3.2' }, 1);
  const made: string[] = [];
  const deps: AnswerModelDeps = {
    info: (ref) => (ref === 'preset:p1' ? { target: { kind: 'preset', preset: p }, ollamaModel: 'llama3.2', name: 'Helper', vision: true } : null),
    preset: (ref) => (ref === 'preset:p1' ? p : undefined),
    ollama: () => ollama,
    clientFor: (_ref, _target, client) => client,
    hooks: ({ answerId }) => {
      made.push(answerId);
      return hooks;
    },
  };

  it('a preset\'s own answer gets its hooks; a merged answer of the same preset gets none', () => {
    expect(answerModel(deps, 'preset:p1', handle, 'a1', false)).toMatchObject({ target: { kind: 'preset' }, ollamaModel: 'llama3.2', vision: true, hooks });
    expect(answerModel(deps, 'preset:p1', handle, 'm1', true).hooks).toBeUndefined();
    expect(made).toEqual(['a1']);
  });

  it('a model that is gone has no target, so the answer fails as "model not found" under its reference', () => {
    expect(answerModel(deps, 'preset:deleted', handle, 'a2', false)).toMatchObject({ target: null, ollamaModel: 'preset:deleted', vision: false, hooks: undefined });
  });
});
