import type { ParamValue } from '../schema/preset.ts';
import { validateParam } from '../params/catalogue.ts';
import { buildChatRequest, type ChatInputMessage, type ChatTarget, type OllamaChatRequest } from '../chat/request.ts';

/*
 * The body of an OpenAI-compatible POST /chat/completions for a chosen model. The conversation
 * is built exactly as for Ollama (buildChatRequest: system prompt first, the branch as context),
 * then translated: images become `image_url` content parts with data URLs when the model reads
 * images (dropped otherwise), and the preset's parameters go under the OpenAI names where they
 * exist — temperature, top_p, max_tokens, stop, seed, presence_penalty, frequency_penalty.
 * Ollama-only parameters (top_k, min_p, mirostat, num_ctx, keep_alive, think, format…) are left out.
 */

export type OpenAIContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface OpenAIMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | OpenAIContentPart[];
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

function toMessage(m: { role: OpenAIMessage['role']; content: string; images?: string[] }, vision: boolean): OpenAIMessage {
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

/** A preset's stored parameters (Open WebUI names, re-validated) → the OpenAI fields. */
export function toOpenAIParams(params: Readonly<Record<string, ParamValue>>): OpenAIParamFields {
  const options: Record<string, unknown> = {};
  const keys = { temperature: 'temperature', top_p: 'top_p', max_tokens: 'num_predict', stop: 'stop', seed: 'seed', presence_penalty: 'presence_penalty', frequency_penalty: 'frequency_penalty' } as const;
  for (const [key, optionName] of Object.entries(keys)) {
    const raw = params[key];
    if (raw === undefined || raw === null) continue;
    const checked = validateParam(key, raw);
    if (checked.ok) options[optionName] = checked.value;
  }
  return openAIParamsFromOllamaOptions(options);
}

/** Strips the `openai:<connectionId>:` prefix a preset's base model may carry. */
export function endpointModelName(model: string): string {
  const m = /^openai:[^:]+:(.+)$/.exec(model);
  return m ? m[1]! : model;
}

/** An Ollama /api/chat body (as buildChatRequest makes it) → the OpenAI /chat/completions body. */
export function fromOllamaRequest(req: Pick<OllamaChatRequest, 'model' | 'messages' | 'options'> & { stream?: boolean }, opts: OpenAIRequestOptions = {}): OpenAIChatRequest {
  const stream = opts.stream ?? req.stream ?? true;
  const out: OpenAIChatRequest = {
    model: endpointModelName(opts.model ?? req.model),
    messages: req.messages.map((m) => toMessage(m, opts.vision ?? false)),
    stream,
    ...openAIParamsFromOllamaOptions(req.options as Record<string, unknown> | undefined),
  };
  if (stream) out.stream_options = { include_usage: true };
  return out;
}

/** The OpenAI /chat/completions body for a preset (or a bare model) and the branch's messages. */
export function buildOpenAIChatRequest(target: ChatTarget, messages: readonly ChatInputMessage[], opts: OpenAIRequestOptions = {}): OpenAIChatRequest {
  return fromOllamaRequest(buildChatRequest(target, messages, { stream: opts.stream ?? true }), opts);
}
