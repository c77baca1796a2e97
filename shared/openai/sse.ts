/*
 * Server-sent events as OpenAI-compatible servers stream them (`data: {...}\n\n`, ending with
 * `data: [DONE]`). Text arrives in arbitrary network chunks: a line, an event, even a `\r\n`
 * may be split between two chunks, so the parser keeps what is not complete yet.
 * Follows the WHATWG event-stream rules that matter here: LF, CRLF or CR line ends, `:` comments,
 * several `data:` lines joined with "\n", one optional space after the colon, `event:` names.
 */

export interface SseEvent {
  /** `event:` field, 'message' when absent */
  event: string;
  data: string;
  id?: string;
}

export interface SseParser {
  /** Feed decoded text; returns the events completed by it. */
  push(text: string): SseEvent[];
  /** End of stream: an event not followed by a blank line is still dispatched (servers often omit the last one). */
  end(): SseEvent[];
}

export function createSseParser(): SseParser {
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let id: string | undefined;
  let hasData = false;
  /** the previous chunk ended with \r: a \n at the start of the next one belongs to it */
  let pendingCr = false;

  const dispatch = (out: SseEvent[]) => {
    if (hasData) out.push({ event: event || 'message', data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
    data = [];
    event = '';
    hasData = false;
  };

  const line = (l: string, out: SseEvent[]) => {
    if (l === '') return dispatch(out);
    if (l.startsWith(':')) return;
    const colon = l.indexOf(':');
    const field = colon === -1 ? l : l.slice(0, colon);
    let value = colon === -1 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      data.push(value);
      hasData = true;
    } else if (field === 'event') event = value;
    else if (field === 'id') id = value;
  };

  const push = (text: string): SseEvent[] => {
    const out: SseEvent[] = [];
    if (pendingCr && text.startsWith('\n')) text = text.slice(1);
    pendingCr = false;
    buffer += text;
    for (;;) {
      const m = /\r\n|\r|\n/.exec(buffer);
      if (!m) break;
      // a lone \r at the very end may be the first half of \r\n
      if (m[0] === '\r' && m.index === buffer.length - 1) {
        line(buffer.slice(0, m.index), out);
        buffer = '';
        pendingCr = true;
        break;
      }
      line(buffer.slice(0, m.index), out);
      buffer = buffer.slice(m.index + m[0].length);
    }
    return out;
  };

  return {
    push,
    end() {
      const out: SseEvent[] = [];
      if (buffer !== '') line(buffer, out);
      buffer = '';
      dispatch(out);
      return out;
    },
  };
}

/** One parsed chat.completion.chunk (only the fields the app uses). */
export interface ChatCompletionChunk {
  content: string;
  /** reasoning text (DeepSeek's reasoning_content, vLLM/llama.cpp `reasoning`) */
  reasoning: string;
  finishReason: string | null;
  usage: { promptTokens?: number; completionTokens?: number } | null;
  /** an `{"error": …}` object sent inside the stream */
  error: { message: string; type?: string; code?: string } | null;
  /** pieces of tool calls (`delta.tool_calls`): joined by `index` (see tool-calls.ts) */
  toolCalls: ToolCallFragment[];
}

/** One streamed piece of a tool call: the first carries id and name, later ones more of the arguments text. */
export interface ToolCallFragment {
  index: number;
  id?: string;
  name?: string;
  arguments?: string;
}

const obj = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Parse the data of one event; `null` for `[DONE]`. Throws SyntaxError on data that is not JSON. */
export function parseChunk(data: string): ChatCompletionChunk | null {
  if (data.trim() === '[DONE]') return null;
  const json = obj(JSON.parse(data));
  const chunk: ChatCompletionChunk = { content: '', reasoning: '', finishReason: null, usage: null, error: null, toolCalls: [] };
  if (!json) return chunk;
  const err = obj(json.error);
  if (err || typeof json.error === 'string') {
    chunk.error = { message: err ? str(err.message) || 'error' : str(json.error) };
    if (err && typeof err.type === 'string') chunk.error.type = err.type;
    if (err && (typeof err.code === 'string' || typeof err.code === 'number')) chunk.error.code = String(err.code);
    return chunk;
  }
  const choice = Array.isArray(json.choices) ? obj(json.choices[0]) : null;
  const delta = obj(choice?.delta) ?? obj(choice?.message);
  if (delta) {
    chunk.content = str(delta.content);
    chunk.reasoning = str(delta.reasoning_content) || str(delta.reasoning);
    if (Array.isArray(delta.tool_calls)) {
      delta.tool_calls.forEach((raw, pos) => {
        const tc = obj(raw);
        if (!tc) return;
        const fn = obj(tc.function);
        const frag: ToolCallFragment = { index: typeof tc.index === 'number' ? tc.index : pos };
        if (typeof tc.id === 'string' && tc.id) frag.id = tc.id;
        if (fn && typeof fn.name === 'string' && fn.name) frag.name = fn.name;
        // a non-streaming `message` may carry whole arguments as an object (some servers)
        if (fn && typeof fn.arguments === 'string') frag.arguments = fn.arguments;
        else if (fn && obj(fn.arguments)) frag.arguments = JSON.stringify(fn.arguments);
        chunk.toolCalls.push(frag);
      });
    }
  }
  if (choice && typeof choice.finish_reason === 'string') chunk.finishReason = choice.finish_reason;
  const usage = obj(json.usage);
  if (usage) {
    chunk.usage = {};
    if (typeof usage.prompt_tokens === 'number') chunk.usage.promptTokens = usage.prompt_tokens;
    if (typeof usage.completion_tokens === 'number') chunk.usage.completionTokens = usage.completion_tokens;
  }
  return chunk;
}
