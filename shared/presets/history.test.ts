import { describe, expect, it } from 'vitest';
import { changedFields, diffRows, groupHistory, type ChangeInfo } from './history.ts';

const devices: Record<string, string> = { a1: 'laptop', a2: 'laptop', b1: 'phone' };
const deviceOf = (actor: string) => devices[actor] ?? null;
let n = 0;
const change = (actor: string, time: number, deps: string[] = []): ChangeInfo => ({ hash: `h${++n}-${actor}`, actor, time, deps });

describe('groupHistory', () => {
  it('makes one entry of a device’s keystrokes typed close together, with the heads before and after them', () => {
    const c1 = change('a1', 100, ['h0']);
    const c2 = change('a1', 101, [c1.hash]);
    const c3 = change('a1', 130, [c2.hash]);
    const [entry, ...rest] = groupHistory([c1, c2, c3], deviceOf);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ device: 'laptop', count: 3, from: 100, to: 130, before: ['h0'], after: [c3.hash] });
  });

  it('starts a new entry after a pause, and lists entries newest first', () => {
    const c1 = change('a1', 100);
    const c2 = change('a1', 1000, [c1.hash]);
    const list = groupHistory([c1, c2], deviceOf);
    expect(list.map((e) => e.from)).toEqual([1000, 100]);
  });

  it('never folds another device’s change into an entry: it splits the run', () => {
    const c1 = change('a1', 100);
    const c2 = change('b1', 101, [c1.hash]);
    const c3 = change('a1', 102, [c2.hash]);
    const list = groupHistory([c1, c2, c3], deviceOf);
    expect(list.map((e) => e.device)).toEqual(['laptop', 'phone', 'laptop']);
  });

  it('groups two sessions (two actors) of the same device, and keeps unnamed actors apart', () => {
    const c1 = change('a1', 100);
    const c2 = change('a2', 110, [c1.hash]);
    const c3 = change('x9', 111, [c2.hash]);
    const c4 = change('y9', 112, [c3.hash]);
    const list = groupHistory([c1, c2, c3, c4], deviceOf);
    expect(list.map((e) => [e.device, e.actors])).toEqual([
      [null, ['y9']],
      [null, ['x9']],
      ['laptop', ['a1', 'a2']],
    ]);
  });

  it('orders changes of the same second by history order', () => {
    const c1 = change('a1', 100);
    const c2 = change('b1', 100, [c1.hash]);
    expect(groupHistory([c1, c2], deviceOf).map((e) => e.device)).toEqual(['phone', 'laptop']);
  });
});

describe('changedFields', () => {
  it('names each top-level field once, without the updatedAt bookkeeping', () => {
    expect(changedFields([['system', 3], ['updatedAt'], ['params', 'temperature'], ['system', 9]])).toEqual(['system', 'params']);
  });
});

describe('diffRows', () => {
  it('turns line-diff parts into one row per line, the trailing newline not counted as a line', () => {
    expect(
      diffRows([
        { value: 'You are kind.\n' },
        { value: 'Answer briefly.\n', removed: true },
        { value: 'Answer in French.\nCite sources.\n', added: true },
        { value: 'End' },
      ]),
    ).toEqual([
      { kind: 'same', text: 'You are kind.' },
      { kind: 'removed', text: 'Answer briefly.' },
      { kind: 'added', text: 'Answer in French.' },
      { kind: 'added', text: 'Cite sources.' },
      { kind: 'same', text: 'End' },
    ]);
  });
});
