import { describe, expect, it } from 'vitest';
import { modelsEn } from './strings.ts';
import { modelsFr } from './strings.fr.ts';
import { knowledgeStrings } from '../knowledge/strings.ts';

describe('French models strings', () => {
  it('translate the clone suffix and the thread count label', () => {
    expect(modelsFr.cloneSuffix).not.toBe(modelsEn.cloneSuffix);
    expect(modelsFr.paramLabel.num_thread).not.toBe(modelsEn.paramLabel.num_thread);
    expect(modelsFr.paramLabel.num_thread).toContain('(num_thread)');
  });

  it('word the range message so it needs no agreement with the parameter (la température, le seed…)', () => {
    const message = modelsFr.error['param-range'];
    expect(message).not.toMatch(/\bcompris\b|\bcomprise\b/);
    expect(message).toMatch(/^\{\{ key \}\} :/);
  });

  it('give every reason a file cannot be read in both languages (never a library’s English message)', () => {
    for (const cause of ['pdf-invalid', 'pdf-password', 'binary', 'other'] as const) {
      expect(knowledgeStrings.fr.unreadableWhy[cause]).not.toBe(knowledgeStrings.en.unreadableWhy[cause]);
    }
  });
});
