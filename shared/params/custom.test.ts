import { describe, expect, it } from 'vitest';
import { checkCustomKey, customOptions, customValueText, parseCustomValue } from './custom.ts';

describe('custom parameters', () => {
  it('a JSON-ish value is stored as JSON: numbers, booleans, lists, objects, quoted and bare text', () => {
    const json = (s: string) => {
      const r = parseCustomValue('k', s);
      return r.ok ? r.json : r.error.code;
    };
    expect(json('42')).toBe('42');
    expect(json(' true ')).toBe('true');
    expect(json('[1, 2]')).toBe('[1,2]');
    expect(json('{"a": 1}')).toBe('{"a":1}');
    expect(json('"two words"')).toBe('"two words"');
    expect(json('q8_0')).toBe('"q8_0"');
  });

  it('a value that is neither JSON nor a bare word is refused with a reason', () => {
    expect(parseCustomValue('k', '{a: 1')).toEqual({ ok: false, error: { code: 'custom-value-bad', key: 'k' } });
    expect(parseCustomValue('k', 'two words')).toEqual({ ok: false, error: { code: 'custom-value-bad', key: 'k' } });
    expect(parseCustomValue('k', '  ')).toEqual({ ok: false, error: { code: 'custom-value-empty', key: 'k' } });
  });

  it("a name the catalogue has (or sends under) is refused: it is set in the catalogue's own row", () => {
    expect(checkCustomKey('temperature')).toEqual({ ok: false, error: { code: 'custom-key-known', key: 'temperature' } });
    expect(checkCustomKey('num_predict')).toEqual({ ok: false, error: { code: 'custom-key-known', key: 'num_predict' } });
    expect(checkCustomKey('__proto__')).toEqual({ ok: false, error: { code: 'custom-key-known', key: '__proto__' } });
    expect(checkCustomKey('bad key')).toEqual({ ok: false, error: { code: 'custom-key-bad', key: 'bad key' } });
    expect(checkCustomKey(' num_gqa ')).toEqual({ ok: true, key: 'num_gqa' });
  });

  it('stored values become options; a broken text or a reserved name is left out', () => {
    expect(customOptions({ num_gqa: '8', kv: '"q8_0"', broken: '{', temperature: '1' })).toEqual({ num_gqa: 8, kv: 'q8_0' });
  });

  it('the editor shows a bare word as typed and anything else as JSON', () => {
    expect(customValueText('"q8_0"')).toBe('q8_0');
    expect(customValueText('"two words"')).toBe('"two words"');
    expect(customValueText('[1,2]')).toBe('[1,2]');
  });
});
