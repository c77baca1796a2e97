import type { PresetDoc } from '../schema/preset.ts';
import { toOllamaParams, type OllamaParamFields } from '../params/ollama.ts';
import { customOptions } from '../params/custom.ts';
import { fillPromptVariables, type PromptVariableContext } from './prompt-variables.ts';
import { storedString, type Plain } from '../schema/stored-string.ts';

/*
 * The exact body of an Ollama POST /api/chat for a chosen model: a preset (its base
 * model, system prompt and the parameters the user set) or a bare base model.
 */

export type ChatTarget =
  | { kind: 'preset'; preset: Pick<PresetDoc, 'baseModel' | 'system' | 'params'> & { customParams?: Plain<PresetDoc['customParams']> | PresetDoc['customParams'] } }
  | { kind: 'base'; model: string };

export interface ChatInputMessage {
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: string;
  /** raw base64, without a `data:` prefix */
  images?: string[];
}

export interface OllamaChatMessage {
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: string;
  images?: string[];
}

export interface OllamaChatRequest extends OllamaParamFields {
  model: string;
  messages: OllamaChatMessage[];
  stream: boolean;
}

function copyMessage(m: ChatInputMessage): OllamaChatMessage {
  const out: OllamaChatMessage = { role: m.role, content: m.content };
  if (m.images && m.images.length > 0) out.images = [...m.images];
  return out;
}

/**
 * - preset: the system prompt (when not blank) comes first, its variables filled when
 *   `variables` is given (shared/chat/prompt-variables.ts); parameters left at Default are
 *   not sent (no empty `options`); max_tokens goes as options.num_predict; keep_alive,
 *   think and format go at the top level (a format schema as an object); custom parameters
 *   go under `options` too (the catalogue's own names are never custom: custom.ts).
 * - base model: the messages only.
 * `stream` defaults to true.
 */
export function buildChatRequest(
  target: ChatTarget,
  messages: readonly ChatInputMessage[],
  opts: { stream?: boolean; variables?: PromptVariableContext } = {},
): OllamaChatRequest {
  const stream = opts.stream ?? true;
  const list = messages.map(copyMessage);
  if (target.kind === 'base') return { model: target.model, messages: list, stream };

  const { baseModel, system, params, customParams } = target.preset;
  const raw = String(system);
  const sys = opts.variables ? fillPromptVariables(raw, opts.variables) : raw;
  if (sys.trim() !== '') list.unshift({ role: 'system', content: sys });
  const fields = toOllamaParams(params);
  const custom = customOptions(customParams && Object.fromEntries(Object.entries(customParams).map(([k, v]) => [k, storedString(v)])));
  if (Object.keys(custom).length > 0) fields.options = { ...custom, ...fields.options };
  return { model: baseModel, messages: list, stream, ...fields };
}
