import { describe, expect, it } from 'vitest';
import { matchesSearch, searchKey } from './search.ts';

describe('searchKey', () => {
  it('drops accents and case', () => {
    expect(searchKey('Téléphone')).toBe('telephone');
    expect(searchKey('ÇA VA ÊTRE')).toBe('ca va etre');
  });
  it('treats precomposed and decomposed accents alike', () => {
    expect(searchKey('e\u0301')).toBe(searchKey('\u00e9'));
  });
});

describe('matchesSearch', () => {
  it('finds an accented name from an unaccented query, in any case', () => {
    expect(matchesSearch('telephone', ['Téléphone'])).toBe(true);
    expect(matchesSearch('TÉLÉ', ['telephone'])).toBe(true);
  });
  it('matches everything for a blank query and nothing unrelated', () => {
    expect(matchesSearch('  ', ['x'])).toBe(true);
    expect(matchesSearch('café', ['tea'])).toBe(false);
  });
});
