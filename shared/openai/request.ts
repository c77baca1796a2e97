import type { OllamaChatRequest } from '../chat/request.ts';

/*
 * The body of an OpenAI-compatible POST /chat/completions for a chosen model. The conversation
 * is built exactly as for Ollama (buildChatRequest: system prompt first, the branch as context),
 * then translated: images become `image_url` content parts with data URLs when the model reads
 * images (dropped otherwise), and the preset's parameters go under the OpenAI names where they
 * exist — temperature, top_p, max_tokens, stop, seed, presence_penalty, frequency_penalty.
 * Ollama-only parameters (top_k, min_p, mirostat, num_ctx, keep_alive, think, format…) are left out.
 */

export type OpenAIContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  /** `arguments` is a JSON text, as the API sends and expects it */
  function: { name: string; arguments: string };
}

export interface OpenAITool {
  type: 'function';
  function: { name: string; description?: string; parameters?: unknown };
}

export interface OpenAIMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | OpenAIContentPart[];
  /** an assistant turn that called tools */
  tool_calls?: OpenAIToolCall[];
  /** a tool result: the id of the call it answers */
  tool_call_id?: string;
}

/** A message as the tool loop holds it (Ollama shape): calls with object or text arguments, results by tool name. */
export interface OllamaShapedMessage {
  role: OpenAIMessage['role'];
  content: string;
  images?: string[];
  tool_calls?: ReadonlyArray<{ id?: string; function: { name: string; arguments: Record<string, unknown> | string } }>;
  tool_name?: string;
  tool_call_id?: string;
}

export interface OpenAIParamFields {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
}

export interface OpenAIChatRequest extends OpenAIParamFields {
  model: string;
  messages: OpenAIMessage[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  tools?: OpenAITool[];
}

export interface OpenAIRequestOptions {
  /** the model as the endpoint names it (a preset's base model may carry an `openai:<id>:` prefix) */
  model?: string;
  /** the model reads images: send them as image_url parts */
  vision?: boolean;
  stream?: boolean;
}

/** The MIME type of base64 image bytes, from their first bytes (PNG, JPEG, GIF, WebP); PNG when unknown. */
export function imageMime(base64: string): string {
  if (base64.startsWith('/9j/')) return 'image/jpeg';
  if (base64.startsWith('iVBOR')) return 'image/png';
  if (base64.startsWith('R0lGOD')) return 'image/gif';
  if (base64.startsWith('UklGR')) return 'image/webp';
  return 'image/png';
}

/** A raw base64 image (as Ollama takes it) as a data URL; data URLs pass through. */
export function imageDataUrl(image: string): string {
  return image.startsWith('data:') ? image : `data:${imageMime(image)};base64,${image}`;
}

function toMessage(m: OllamaShapedMessage, vision: boolean): OpenAIMessage {
  const images = vision ? (m.images ?? []) : [];
  if (images.length === 0 || m.role !== 'user') return { role: m.role, content: m.content };
  const parts: OpenAIContentPart[] = [];
  if (m.content !== '') parts.push({ type: 'text', text: m.content });
  for (const img of images) parts.push({ type: 'image_url', image_url: { url: imageDataUrl(img) } });
  return { role: m.role, content: parts };
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Parameters already under Ollama's option names (options.temperature, options.num_predict…)
 * → the OpenAI fields. num_predict ≤ 0 (Ollama's "no limit" / "fill the context") is left out.
 */
export function openAIParamsFromOllamaOptions(options: Readonly<Record<string, unknown>> | undefined): OpenAIParamFields {
  const out: OpenAIParamFields = {};
  if (!options) return out;
  const o = options;
  if (finite(o.temperature)) out.temperature = o.temperature;
  if (finite(o.top_p)) out.top_p = o.top_p;
  if (finite(o.num_predict) && o.num_predict > 0) out.max_tokens = Math.floor(o.num_predict);
  if (Array.isArray(o.stop) && o.stop.every((s) => typeof s === 'string') && o.stop.length > 0) out.stop = [...(o.stop as string[])];
  if (finite(o.seed)) out.seed = Math.floor(o.seed);
  if (finite(o.presence_penalty)) out.presence_penalty = o.presence_penalty;
  if (finite(o.frequency_penalty)) out.frequency_penalty = o.frequency_penalty;
  return out;
}

/** Strips the `openai:<connectionId>:` prefix a preset's base model may carry. */
export function endpointModelName(model: string): string {
  const m = /^openai:[^:]+:(.+)$/.exec(model);
  return m ? m[1]! : model;
}

/** Ollama-style `tools` (already `{type:'function', function:{name, description, parameters}}`) → OpenAI's, well-formed ones only. */
export function toOpenAITools(tools: readonly unknown[] | undefined): OpenAITool[] {
  const out: OpenAITool[] = [];
  for (const t of tools ?? []) {
    const f = typeof t === 'object' && t !== null ? (t as { function?: unknown }).function : undefined;
    if (typeof f !== 'object' || f === null) continue;
    const { name, description, parameters } = f as { name?: unknown; description?: unknown; parameters?: unknown };
    if (typeof name !== 'string' || !name) continue;
    out.push({
      type: 'function',
      function: { name, ...(typeof description === 'string' ? { description } : {}), ...(parameters !== undefined ? { parameters } : {}) },
    });
  }
  return out;
}

/**
 * The conversation with tool turns: an assistant turn's calls get OpenAI ids (the ones the
 * server gave, else made up) and each following tool result answers the next call in order,
 * since Ollama-shaped results name the tool, not the call.
 */
function toMessages(messages: readonly OllamaShapedMessage[], vision: boolean): OpenAIMessage[] {
  let pending: string[] = [];
  return messages.map((m, i) => {
    const out = toMessage(m, vision);
    if (m.role === 'assistant' && m.tool_calls && m.tool_calls.length > 0) {
      out.tool_calls = m.tool_calls.map((c, j) => ({
        id: c.id || `call_${i}_${j}`,
        type: 'function',
        function: { name: c.function.name, arguments: typeof c.function.arguments === 'string' ? c.function.arguments : JSON.stringify(c.function.arguments ?? {}) },
      }));
      pending = out.tool_calls.map((c) => c.id);
    } else if (m.role === 'tool') {
      out.tool_call_id = m.tool_call_id ?? pending.shift() ?? `call_${i}`;
    } else pending = [];
    return out;
  });
}

/** An Ollama /api/chat body (as buildChatRequest or the tool loop makes it) → the OpenAI /chat/completions body. */
export function fromOllamaRequest(
  req: Pick<OllamaChatRequest, 'model' | 'options'> & { messages: readonly OllamaShapedMessage[]; stream?: boolean; tools?: readonly unknown[] },
  opts: OpenAIRequestOptions = {},
): OpenAIChatRequest {
  const stream = opts.stream ?? req.stream ?? true;
  const out: OpenAIChatRequest = {
    model: endpointModelName(opts.model ?? req.model),
    messages: toMessages(req.messages, opts.vision ?? false),
    stream,
    ...openAIParamsFromOllamaOptions(req.options as Record<string, unknown> | undefined),
  };
  const tools = toOpenAITools(req.tools);
  if (tools.length > 0) out.tools = tools;
  if (stream) out.stream_options = { include_usage: true };
  return out;
}
