import { describe, expect, it } from 'vitest';
import * as A from '@automerge/automerge';
import { initialPreset, type PresetDoc } from '../schema/preset.ts';
import { cloneName, clonePresetFields, cloneSlug } from './clone.ts';

function sample(): PresetDoc {
  const p = initialPreset({ id: 'p1', slug: 'sql-tutor', name: 'SQL Tutor', baseModel: 'qwen2.5:7b' }, 1000);
  p.description = 'Explains SQL.';
  p.system = 'You are a patient SQL tutor.';
  p.params = { temperature: 0.3, stop: ['<|im_end|>'], format: 'json' };
  p.suggestions = { s1: { title: 'Joins', subtitle: 'LEFT vs INNER', prompt: 'Explain joins', order: 1 } };
  p.tags = { sql: true, db: true };
  p.hidden = true;
  p.vision = true;
  p.capabilities = { citations: true };
  p.avatar = 'automerge:avatarblob';
  p.knowledge = { k1: { name: 'Postgres docs', type: 'collection', url: null, externalId: 'b6c2' } };
  p.toolIds = { web_scraper: true };
  p.filterIds = { f: true };
  p.actionIds = { a: true };
  p.updatedAt = 2000;
  return p;
}

describe('cloneSlug', () => {
  it('adds -clone, then numbers', () => {
    expect(cloneSlug('sql-tutor', new Set(['sql-tutor']))).toBe('sql-tutor-clone');
    expect(cloneSlug('sql-tutor', new Set(['sql-tutor', 'sql-tutor-clone']))).toBe('sql-tutor-clone-2');
    expect(cloneSlug('sql-tutor', new Set(['sql-tutor-clone', 'sql-tutor-clone-2']))).toBe('sql-tutor-clone-3');
  });
  it('keeps the suffix whole within 256 characters', () => {
    const long = 'a'.repeat(256);
    expect(cloneSlug(long, new Set())).toBe('a'.repeat(250) + '-clone');
    expect(cloneSlug(long, new Set(['a'.repeat(250) + '-clone']))).toBe('a'.repeat(248) + '-clone-2');
  });
});

describe('cloneName', () => {
  it('appends the suffix it is given, in the reader\'s language', () => {
    expect(cloneName('SQL Tutor', '(Clone)')).toBe('SQL Tutor (Clone)');
    expect(cloneName('Tuteur SQL', '(copie)')).toBe('Tuteur SQL (copie)');
  });
});

describe('clonePresetFields', () => {
  it('copies everything but identity and times', () => {
    const p = sample();
    const c = clonePresetFields(p, 'p2', new Set(['sql-tutor']), 5000, '(Clone)');
    expect(c).toEqual({
      ...p,
      id: 'p2',
      slug: 'sql-tutor-clone',
      name: 'SQL Tutor (Clone)',
      createdAt: 5000,
      updatedAt: 5000,
    });
    expect(c.hidden).toBe(true);
    expect(c.avatar).toBe('automerge:avatarblob');
  });

  it('shares no object with the source', () => {
    const p = sample();
    const c = clonePresetFields(p, 'p2', new Set(), 5000, '(Clone)');
    (c.params.stop as string[]).push('x');
    c.suggestions.s1!.title = 'changed';
    c.tags.new = true;
    c.knowledge.k1!.name = 'changed';
    c.capabilities.citations = false;
    expect(p.params.stop).toEqual(['<|im_end|>']);
    expect(p.suggestions.s1!.title).toBe('Joins');
    expect(p.tags).toEqual({ sql: true, db: true });
    expect(p.knowledge.k1!.name).toBe('Postgres docs');
    expect(p.capabilities.citations).toBe(true);
  });

  it('works on a frozen (read-only) source', () => {
    const p = sample();
    const deepFreeze = (o: object): void => {
      Object.freeze(o);
      for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) deepFreeze(v);
    };
    deepFreeze(p);
    expect(() => clonePresetFields(p, 'p2', new Set(), 1, '(Clone)')).not.toThrow();
  });

  it('copies an Automerge document into plain data', () => {
    const doc = A.from(sample() as PresetDoc & Record<string, unknown>);
    const c = clonePresetFields(doc, 'p2', new Set(), 5000, '(Clone)');
    expect(c).toEqual({ ...sample(), id: 'p2', slug: 'sql-tutor-clone', name: 'SQL Tutor (Clone)', createdAt: 5000, updatedAt: 5000 });
    // the copy can go into another document
    expect(() => A.from(c as PresetDoc & Record<string, unknown>)).not.toThrow();
  });
});
