import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cardMatches, cardOf, loadModelsView, saveModelsView } from './list-view-cache.ts';
import type { PresetView } from '../../shared/schema/index.ts';

function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

const preset = { name: 'Coder', slug: 'coder', baseModel: 'llama3.2', description: 'Writes code', tags: { rust: true, go: true }, hidden: false } as unknown as PresetView;

describe('saved models list', () => {
  beforeEach(() => vi.stubGlobal('localStorage', memoryStorage()));
  afterEach(() => vi.unstubAllGlobals());

  it('is shown only for the workspace it was saved from', () => {
    saveModelsView({ workspaceUrl: 'automerge:a', cards: [cardOf('p1', preset)] });
    expect(loadModelsView('automerge:a')?.cards).toEqual([{ id: 'p1', name: 'Coder', slug: 'coder', baseModel: 'llama3.2', description: 'Writes code', tags: ['go', 'rust'], hidden: false }]);
    expect(loadModelsView('automerge:b')).toBeNull();
    expect(loadModelsView(null)).toBeNull();
  });

  it('ignores what is not a saved list', () => {
    localStorage.setItem('atelier.modelsView', '{"workspaceUrl":"automerge:a","cards":[{"id":1}]}');
    expect(loadModelsView('automerge:a')).toBeNull();
    localStorage.setItem('atelier.modelsView', 'not json');
    expect(loadModelsView('automerge:a')).toBeNull();
  });

  it('searches like the live list: name, model ID or tag, and the chosen tag', () => {
    const c = cardOf('p1', preset);
    expect(cardMatches(c, ' CODER ', '')).toBe(true);
    expect(cardMatches(c, 'rus', '')).toBe(true);
    expect(cardMatches(c, 'python', '')).toBe(false);
    expect(cardMatches(c, '', 'go')).toBe(true);
    expect(cardMatches(c, '', 'python')).toBe(false);
  });
});
