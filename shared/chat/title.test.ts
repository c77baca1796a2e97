import { describe, expect, it } from 'vitest';
import { cleanProposedTitle, deriveTitle, titleRequestMessages } from './title.ts';

describe('titleRequestMessages', () => {
  it('asks for a JSON title from the first exchange', () => {
    const [m] = titleRequestMessages('Explain LEFT JOIN', 'It keeps every row.');
    expect(m!.role).toBe('user');
    expect(m!.content).toContain('USER: Explain LEFT JOIN\nASSISTANT: It keeps every row.');
    expect(m!.content).toContain('{ "title": "your concise title here" }');
    expect(titleRequestMessages('x'.repeat(5000), '')[0]!.content.length).toBeLessThan(3000);
  });
});

describe('cleanProposedTitle', () => {
  it('reads a JSON object, even in a code fence or after thinking', () => {
    expect(cleanProposedTitle('{"title": "🐘 LEFT JOIN explained"}')).toBe('🐘 LEFT JOIN explained');
    expect(cleanProposedTitle('```json\n{ "title": "SQL joins 101" }\n```')).toBe('SQL joins 101');
    expect(cleanProposedTitle('<think>The user asks…</think>\n{"title":"Joins"}')).toBe('Joins');
  });

  it('falls back to the first line, without quotes or a Title: prefix, cut like derived titles', () => {
    expect(cleanProposedTitle('"Understanding joins"\nmore')).toBe('Understanding joins');
    expect(cleanProposedTitle('Title: **Joins in SQL**')).toBe('Joins in SQL');
    expect(cleanProposedTitle('{not json} Joins')).toBe('{not json} Joins');
    expect(cleanProposedTitle('   ')).toBe('');
    expect(cleanProposedTitle('{"title": 5}')).toBe('{"title": 5}');
    expect(Array.from(cleanProposedTitle('word '.repeat(40))).length).toBeLessThanOrEqual(60);
  });

  it('matches deriveTitle for plain text', () => {
    expect(cleanProposedTitle('Explain LEFT JOIN')).toBe(deriveTitle('Explain LEFT JOIN'));
  });
});
