import { describe, expect, it } from 'vitest';
import { inputSplice } from './input-splice.ts';

const apply = (s: string, e: { index: number; remove: number; insert: string } | null) => (e ? s.slice(0, e.index) + e.insert + s.slice(e.index + e.remove) : s);

describe('inputSplice', () => {
  it('places a typed character at the caret, even inside a run of the same character', () => {
    expect(inputSplice('aa', 'aaa', 2)).toEqual({ index: 1, remove: 0, insert: 'a' });
    expect(inputSplice('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' });
  });

  it('a backspace removes the character before the caret', () => {
    expect(inputSplice('aab', 'ab', 1)).toEqual({ index: 1, remove: 1, insert: '' });
  });

  it('a paste over a selection replaces exactly the selection', () => {
    const before = 'Start. Middle part. End.';
    const after = 'Start. X part. End.';
    const e = inputSplice(before, after, 8);
    expect(e).toEqual({ index: 7, remove: 6, insert: 'X' });
    expect(apply(before, e)).toBe(after);
  });

  it('an unchanged text is no edit, and a wrong caret still gives an edit that produces the new text', () => {
    expect(inputSplice('same', 'same', 2)).toBeNull();
    expect(apply('hello world', inputSplice('hello world', 'hello brave world', 99))).toBe('hello brave world');
  });
});
