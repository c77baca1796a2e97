/*
 * The tool-call loop of one answer: send the request with `tools`; when the model answers
 * with `tool_calls`, run each one, append the assistant turn (with its calls) and one
 * `{role: 'tool', tool_name, content}` message per result, and ask again, until the model
 * answers in text. After `maxRounds` rounds of calls the last request goes without `tools`,
 * so the model has to answer.
 */

export interface ToolCallPart {
  /** the call's id when the server gives one (OpenAI-compatible servers need it back with the result) */
  id?: string;
  function: { name: string; arguments: Record<string, unknown> | string };
}

export interface LoopPart {
  message?: { content?: string; thinking?: string; tool_calls?: ToolCallPart[] };
  done?: boolean;
}

export interface LoopMessage {
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: string;
  images?: string[];
  tool_calls?: ToolCallPart[];
  tool_name?: string;
}

export interface LoopRequest {
  model: string;
  messages: LoopMessage[];
  tools?: unknown[];
  [k: string]: unknown;
}

export interface ToolRecord {
  name: string;
  arguments: string;
  result: string;
  error: boolean;
}

export interface LoopOptions {
  request: LoopRequest;
  chat(body: LoopRequest): Promise<AsyncIterable<LoopPart>>;
  execute(name: string, args: Record<string, unknown>): Promise<{ result: string; error: boolean }>;
  maxRounds?: number;
  /** each streamed piece of text (not the whole) */
  onText?(content: string, thinking: string): void;
  onToolCall?(record: ToolRecord): void;
}

export interface LoopResult {
  content: string;
  thinking: string;
  /** the final `done` line of the last request */
  done: LoopPart | null;
  /** requests sent */
  requests: number;
}

export const MAX_TOOL_ROUNDS = 5;

function parseArgs(a: Record<string, unknown> | string | undefined): Record<string, unknown> {
  if (typeof a === 'string') {
    try {
      const v: unknown = JSON.parse(a);
      return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return a ?? {};
}

export async function runToolLoop(opts: LoopOptions): Promise<LoopResult> {
  const maxRounds = opts.maxRounds ?? MAX_TOOL_ROUNDS;
  const messages = [...opts.request.messages];
  let content = '';
  let thinking = '';
  let done: LoopPart | null = null;
  let requests = 0;
  for (let round = 0; ; round++) {
    const withTools = opts.request.tools && opts.request.tools.length > 0 && round < maxRounds;
    const { tools: _tools, ...rest } = opts.request;
    const body: LoopRequest = withTools ? { ...rest, messages, tools: opts.request.tools } : { ...rest, messages };
    requests++;
    const stream = await opts.chat(body);
    let roundText = '';
    const calls: ToolCallPart[] = [];
    for await (const part of stream) {
      const c = part.message?.content ?? '';
      const th = part.message?.thinking ?? '';
      if (c || th) {
        content += c;
        thinking += th;
        roundText += c;
        opts.onText?.(c, th);
      }
      if (part.message?.tool_calls?.length) calls.push(...part.message.tool_calls);
      if (part.done) done = part;
    }
    if (calls.length === 0 || !withTools) return { content, thinking, done, requests };
    messages.push({ role: 'assistant', content: roundText, tool_calls: calls });
    for (const call of calls) {
      const name = call.function.name;
      const args = parseArgs(call.function.arguments);
      let out: { result: string; error: boolean };
      try {
        out = await opts.execute(name, args);
      } catch (e) {
        out = { result: `Error: ${e instanceof Error ? e.message : String(e)}`, error: true };
      }
      opts.onToolCall?.({ name, arguments: JSON.stringify(args), result: out.result, error: out.error });
      messages.push({ role: 'tool', tool_name: name, content: out.result });
    }
  }
}
