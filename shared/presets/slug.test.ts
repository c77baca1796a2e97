import { describe, expect, it } from 'vitest';
import { SLUG_MAX_LENGTH, deriveSlug, uniqueSlug, validateSlug } from './slug.ts';

describe('deriveSlug', () => {
  it('derives as Open WebUI does', () => {
    expect(deriveSlug('SQL Tutor')).toBe('sql-tutor');
    expect(deriveSlug('  My   Model ')).toBe('-my-model-');
    expect(deriveSlug('Llama 3.1 (FR) — été')).toBe('llama-31-fr--t');
    expect(deriveSlug('a_b.c:d/e')).toBe('abcde');
    expect(deriveSlug('tab\there\nnewline')).toBe('tab-here-newline');
    expect(deriveSlug('🚀✨')).toBe('');
  });

  it('cuts to the maximum length', () => {
    expect(deriveSlug('x'.repeat(300))).toHaveLength(SLUG_MAX_LENGTH);
  });
});

describe('validateSlug', () => {
  const taken = new Set(['sql-tutor']);
  it('accepts a free valid slug', () => {
    expect(validateSlug('sql-tutor-2', taken)).toEqual({ ok: true });
    expect(validateSlug('Qwen2.5_coder-x', taken)).toEqual({ ok: true });
  });
  it('refuses empty, too long, bad characters, taken', () => {
    expect(validateSlug('', taken)).toEqual({ ok: false, error: { code: 'slug-empty' } });
    expect(validateSlug('a'.repeat(257), taken)).toEqual({
      ok: false,
      error: { code: 'slug-too-long', max: 256, length: 257 },
    });
    expect(validateSlug('a'.repeat(256), taken)).toEqual({ ok: true });
    expect(validateSlug('a b/c d', taken)).toEqual({ ok: false, error: { code: 'slug-bad-chars', chars: [' ', '/'] } });
    expect(validateSlug('sql-tutor', taken)).toEqual({ ok: false, error: { code: 'slug-taken', slug: 'sql-tutor' } });
  });
  it('compares exactly, as Open WebUI ids are case-sensitive', () => {
    expect(validateSlug('SQL-tutor', taken)).toEqual({ ok: true });
  });
});

describe('uniqueSlug', () => {
  it('returns the base when free, else numbers it', () => {
    expect(uniqueSlug('tutor', new Set())).toBe('tutor');
    expect(uniqueSlug('tutor', new Set(['tutor']))).toBe('tutor-2');
    expect(uniqueSlug('tutor', new Set(['tutor', 'tutor-2', 'tutor-3']))).toBe('tutor-4');
  });
  it('uses "model" for an empty base', () => {
    expect(uniqueSlug('', new Set())).toBe('model');
    expect(uniqueSlug('', new Set(['model']))).toBe('model-2');
  });
  it('stays within the maximum length', () => {
    const long = 'a'.repeat(256);
    const s = uniqueSlug(long, new Set([long]));
    expect(s).toHaveLength(256);
    expect(s.endsWith('-2')).toBe(true);
  });
});
