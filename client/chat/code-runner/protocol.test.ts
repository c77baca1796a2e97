import { describe, expect, it } from 'vitest';
import { readFromWorker } from './protocol.ts';
import { appendOutput } from './block-run.ts';

describe('readFromWorker', () => {
  it('keeps the messages of the protocol', () => {
    expect(readFromWorker({ type: 'output', id: 1, stream: 'stderr', text: 'x\n' })).toEqual({ type: 'output', id: 1, stream: 'stderr', text: 'x\n' });
    expect(readFromWorker({ type: 'done', id: 2, result: null })).toEqual({ type: 'done', id: 2, result: null });
    expect(readFromWorker({ type: 'failed', id: 2, error: 'Traceback' })).toEqual({ type: 'failed', id: 2, error: 'Traceback' });
  });

  it('drops anything else, so a malformed message never reaches the view', () => {
    expect(readFromWorker(null)).toBeNull();
    expect(readFromWorker({ type: 'output', id: 1, stream: 'html', text: '<b>' })).toBeNull();
    expect(readFromWorker({ type: 'done', id: '1', result: null })).toBeNull();
    expect(readFromWorker({ type: 'done', id: 1, result: 42 })).toBeNull();
    expect(readFromWorker({ type: 'load-failed' })).toBeNull();
    expect(readFromWorker({ type: 'eval', code: 'x' })).toBeNull();
  });
});

describe('appendOutput', () => {
  it('joins text of the same stream and starts a new stretch when the stream changes', () => {
    let o = appendOutput([], 'stdout', 'a\n');
    o = appendOutput(o, 'stdout', 'b\n');
    o = appendOutput(o, 'stderr', 'warn\n');
    o = appendOutput(o, 'stdout', 'c\n');
    expect(o).toEqual([
      { stream: 'stdout', text: 'a\nb\n' },
      { stream: 'stderr', text: 'warn\n' },
      { stream: 'stdout', text: 'c\n' },
    ]);
  });
});
