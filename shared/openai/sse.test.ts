import { describe, expect, it } from 'vitest';
import { createSseParser, parseChunk, type SseEvent } from './sse.ts';

const chunk = (content: string) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] });

function feed(pieces: string[]): SseEvent[] {
  const p = createSseParser();
  const out: SseEvent[] = [];
  for (const piece of pieces) out.push(...p.push(piece));
  out.push(...p.end());
  return out;
}

describe('SSE parsing', () => {
  const stream = `data: ${chunk('Hel')}\n\ndata: ${chunk('lo, wörld')}\n\n: keep-alive\n\ndata: [DONE]\n\n`;

  it('parses whole events', () => {
    expect(feed([stream]).map((e) => e.data)).toEqual([chunk('Hel'), chunk('lo, wörld'), '[DONE]']);
  });

  it('gives the same events whatever the chunk boundaries (every split point, and one character at a time)', () => {
    const expected = feed([stream]);
    for (let i = 1; i < stream.length; i++) expect(feed([stream.slice(0, i), stream.slice(i)])).toEqual(expected);
    expect(feed([...stream])).toEqual(expected);
  });

  it('handles CRLF and CR line ends, even a CRLF split between chunks', () => {
    const crlf = stream.replace(/\n/g, '\r\n');
    const expected = feed([stream]);
    for (let i = 1; i < crlf.length; i++) expect(feed([crlf.slice(0, i), crlf.slice(i)])).toEqual(expected);
    expect(feed([stream.replace(/\n/g, '\r')])).toEqual(expected);
  });

  it('joins multi-line data, keeps event names, ignores comments, and dispatches a last event without a blank line', () => {
    expect(feed(['event: error\ndata: a\ndata:b\n\n', ': ping\n', 'data: last'])).toEqual([
      { event: 'error', data: 'a\nb' },
      { event: 'message', data: 'last' },
    ]);
  });

  it('reads chunks: content, reasoning, finish reason, usage, [DONE] and in-stream errors', () => {
    expect(parseChunk(chunk('Hi'))).toMatchObject({ content: 'Hi', finishReason: null, usage: null, error: null });
    expect(parseChunk(JSON.stringify({ choices: [{ delta: { reasoning_content: 'hmm' } }] }))?.reasoning).toBe('hmm');
    expect(parseChunk(JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } }))?.usage).toEqual({ promptTokens: 12, completionTokens: 3 });
    expect(parseChunk(JSON.stringify({ choices: [{ delta: {}, finish_reason: 'length' }] }))?.finishReason).toBe('length');
    expect(parseChunk('[DONE]')).toBeNull();
    expect(parseChunk(JSON.stringify({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }))?.error).toEqual({
      message: 'Rate limit reached',
      type: 'requests',
      code: 'rate_limit_exceeded',
    });
    expect(() => parseChunk('not json')).toThrow(SyntaxError);
  });
});
