import { describe, expect, it } from 'vitest';
import { streamingIds } from './streaming-ids.ts';

describe('streamingIds', () => {
  it('lists only the messages whose status is streaming, in key order', () => {
    const messages = { u1: { status: 'done' }, a1: { status: 'streaming' }, a2: { status: 'interrupted' }, a3: { status: 'streaming' } };
    expect(streamingIds(messages)).toEqual(['a1', 'a3']);
  });
  it('is empty for a conversation not open yet', () => {
    expect(streamingIds(undefined)).toEqual([]);
  });
});
