import { describe, expect, it } from 'vitest';
import { kindOf } from './extract.ts';

describe('supported files', () => {
  it('recognises text, Markdown, HTML and PDF by type or name', () => {
    expect(kindOf('a.pdf', '')).toBe('pdf');
    expect(kindOf('x', 'application/pdf')).toBe('pdf');
    expect(kindOf('README.md', '')).toBe('markdown');
    expect(kindOf('page.HTM', '')).toBe('html');
    expect(kindOf('notes.txt', 'text/plain')).toBe('text');
    expect(kindOf('data.csv', '')).toBe('text');
    expect(kindOf('photo.png', 'image/png')).toBeNull();
    expect(kindOf('app.exe', 'application/octet-stream')).toBeNull();
  });
});
