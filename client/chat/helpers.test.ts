import { describe, expect, it } from 'vitest';
import { filterConversations, sortConversations, type ConversationItem } from './conversation-index.ts';
import { fitWithin, MAX_SIDE } from './images.ts';
import { canonicalLanguage } from './markdown/languages.ts';
import { clampModels } from './limits.ts';

const entry = (title: string, updatedAt: number, pinned = false): ConversationItem['entry'] => ({
  url: 'automerge:x',
  title,
  model: 'ollama:m',
  createdAt: 0,
  updatedAt,
  pinned,
  deletedAt: null,
  purgedAt: null,
});

describe('conversation list', () => {
  it('pinned first, then newest first', () => {
    const items: ConversationItem[] = [
      { id: 'a', entry: entry('Old', 1) },
      { id: 'b', entry: entry('New', 3) },
      { id: 'c', entry: entry('Pinned old', 0, true) },
      { id: 'd', entry: entry('Middle', 2) },
    ];
    expect(sortConversations(items).map((i) => i.id)).toEqual(['c', 'b', 'd', 'a']);
  });

  it('searches titles ignoring case and accents; untitled ones match their label', () => {
    const items: ConversationItem[] = [
      { id: 'a', entry: entry('Crème brûlée', 1) },
      { id: 'b', entry: entry('', 2) },
    ];
    expect(filterConversations(items, 'CREME', 'New chat').map((i) => i.id)).toEqual(['a']);
    expect(filterConversations(items, 'new', 'New chat').map((i) => i.id)).toEqual(['b']);
    expect(filterConversations(items, '  ', 'New chat')).toHaveLength(2);
  });
});

describe('fitWithin', () => {
  it('keeps small pictures and shrinks the longest side to 1536', () => {
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 });
    expect(fitWithin(4000, 3000)).toEqual({ width: MAX_SIDE, height: 1152 });
    expect(fitWithin(1000, 3072)).toEqual({ width: 500, height: MAX_SIDE });
    expect(fitWithin(10000, 1)).toEqual({ width: MAX_SIDE, height: 1 });
  });
});

describe('canonicalLanguage', () => {
  it('maps what models write after ``` to a loadable language', () => {
    expect(canonicalLanguage('py')).toBe('python');
    expect(canonicalLanguage('TypeScript')).toBe('typescript');
    expect(canonicalLanguage('js {1,3}')).toBe('javascript');
    expect(canonicalLanguage('html')).toBe('xml');
    expect(canonicalLanguage('brainfuck')).toBeNull();
    expect(canonicalLanguage('')).toBeNull();
    expect(canonicalLanguage(undefined)).toBeNull();
  });
});

describe('clampModels', () => {
  it('keeps the limit between 1 and 4, defaulting to 2', () => {
    expect(clampModels(3)).toBe(3);
    expect(clampModels(9)).toBe(4);
    expect(clampModels(0)).toBe(1);
    expect(clampModels('x')).toBe(2);
    expect(clampModels(Number.NaN)).toBe(2);
  });
});
