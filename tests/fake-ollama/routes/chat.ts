/**
 * POST /api/chat and POST /api/generate, following ChatHandler / GenerateHandler:
 * errors before streaming with their real status, NDJSON chunks (thinking first,
 * then content, then a tool_calls line), a final done line with metrics, and
 * mid-stream errors as a last `{"error"}` line with no done line.
 */
import type { RouteContext } from '../context.ts';
import { decodeBody, parseKeepAlive, type FieldKind } from '../body.ts';
import { nowNs, omitEmpty, rfc3339Nano, sendError, sendJson } from '../gojson.ts';
import { NdjsonWriter, sleep } from '../ndjson.ts';
import type { ModelRecord } from '../state.ts';
import { parseModelName } from '../names.ts';
import type { ChatScript } from '../types.ts';

type Kind = 'chat' | 'generate';

interface Msg {
  role?: unknown;
  content?: unknown;
  images?: unknown;
}

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** toolCallId(): call_ + 8 random [a-z0-9]. */
export function toolCallId(): string {
  let s = 'call_';
  for (let i = 0; i < 8; i++) s += ID_CHARS[Math.floor(Math.random() * ID_CHARS.length)];
  return s;
}

/** Split text into token-like pieces: a word with its leading whitespace. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

function thinkEnabled(think: unknown): boolean | undefined {
  if (think === undefined || think === null) return undefined;
  if (typeof think === 'boolean') return think;
  if (typeof think === 'string') return think !== '' && think !== 'false';
  return Boolean(think);
}

function lastUserText(kind: Kind, req: Record<string, unknown>): string {
  if (kind === 'generate') return typeof req.prompt === 'string' ? req.prompt : '';
  const msgs = Array.isArray(req.messages) ? (req.messages as Msg[]) : [];
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (m && m.role === 'user') return typeof m.content === 'string' ? m.content : '';
  }
  return '';
}

function hasImages(kind: Kind, req: Record<string, unknown>): boolean {
  if (kind === 'generate') return Array.isArray(req.images) && req.images.length > 0;
  const msgs = Array.isArray(req.messages) ? (req.messages as Msg[]) : [];
  return msgs.some((m) => m && Array.isArray(m.images) && m.images.length > 0);
}

function promptTokenCount(kind: Kind, req: Record<string, unknown>): number {
  if (kind === 'generate') {
    const p = `${typeof req.system === 'string' ? req.system : ''} ${typeof req.prompt === 'string' ? req.prompt : ''}`;
    return tokenize(p).length + 10;
  }
  const msgs = Array.isArray(req.messages) ? (req.messages as Msg[]) : [];
  let n = 1;
  for (const m of msgs) n += 5 + (typeof m?.content === 'string' ? tokenize(m.content).length : 0);
  return n;
}

interface Reply {
  thinking: string;
  content: string;
  toolCalls: Array<{ name: string; arguments: Record<string, unknown> }>;
  errorAfterChars?: { after: number; error: string };
  tokensPerSecond: number;
  doneReason: string;
}

function buildReply(
  kind: Kind,
  req: Record<string, unknown>,
  m: ModelRecord,
  script: ChatScript | undefined,
  thinking: boolean,
  defaultTps: number,
): Reply {
  const text = lastUserText(kind, req);
  const format = req.format;
  const defaultContent =
    format !== undefined && format !== null && format !== '' ? JSON.stringify({ echo: text }) : `You said: ${text}`;
  const content = script ? (script.content ?? '') : defaultContent;
  // Only thinking models get here with thinking on (others were refused with a 400).
  const think = thinking && m.capabilities.includes('thinking')
    ? script ? (script.thinking ?? '') : `The user wrote "${text}". I will repeat it back.`
    : '';
  return {
    thinking: think,
    content,
    toolCalls: script?.toolCalls ?? [],
    errorAfterChars: script?.errorAfterChars,
    tokensPerSecond: script?.tokensPerSecond ?? defaultTps,
    doneReason: script?.doneReason ?? 'stop',
  };
}

function messageObj(content: string, thinking: string, toolCalls?: unknown[]) {
  return omitEmpty({ role: 'assistant', content, thinking, tool_calls: toolCalls }, ['thinking', 'tool_calls']);
}

export function handleChat(kind: Kind) {
  return async (ctx: RouteContext): Promise<void> => {
    const { res, state, raw, signal } = ctx;
    const startedNs = nowNs();
    const typeName = kind === 'chat' ? 'ChatRequest' : 'GenerateRequest';
    const fields: Record<string, FieldKind> =
      kind === 'chat'
        ? { model: 'string', messages: 'array', stream: 'bool', tools: 'array', options: 'object' }
        : { model: 'string', prompt: 'string', system: 'string', suffix: 'string', stream: 'bool', images: 'array', options: 'object' };
    const d = decodeBody(raw, typeName, fields);
    if (!d.ok) return sendError(res, 400, d.error);
    const req = d.value;
    const modelName = typeof req.model === 'string' ? req.model : '';

    if (!modelName) {
      return kind === 'chat' ? sendError(res, 400, 'model is required') : sendError(res, 404, `model '' not found`);
    }
    if (!parseModelName(modelName)) return sendError(res, 400, 'invalid model name');
    const m = state.find(modelName);
    if (!m) return sendError(res, 404, `model '${modelName}' not found`);

    const keepAlive = parseKeepAlive(req.keep_alive);
    if (typeof keepAlive === 'object') return sendError(res, 400, keepAlive.error);

    const empty = kind === 'chat' ? !Array.isArray(req.messages) || req.messages.length === 0 : !req.prompt;
    if (empty && keepAlive === 0) {
      m.loadedUntil = null;
      return sendJson(res, 200, finalShape(kind, modelName, { done: true, done_reason: 'unload' }));
    }

    const script = state.takeScript(modelName);
    if (script?.errorBefore) return sendError(res, script.errorBefore.status, script.errorBefore.error);

    // Thinking: thinking models think unless told not to; others refuse think:true.
    let think = thinkEnabled(req.think);
    if (m.capabilities.includes('thinking')) {
      if (think === undefined) think = true;
    } else if (think) {
      return sendError(res, 400, `"${modelName}" does not support thinking`);
    }

    // scheduleRunner → CheckCapabilities
    if (!m.capabilities.includes('completion')) {
      return sendError(res, 400, `"${modelName}" does not support ${kind === 'chat' ? 'chat' : 'generate'}`);
    }
    const missing: string[] = [];
    if (kind === 'chat' && Array.isArray(req.tools) && req.tools.length > 0 && !m.capabilities.includes('tools')) missing.push('tools');
    if (kind === 'generate' && typeof req.suffix === 'string' && req.suffix !== '' && !m.capabilities.includes('insert')) missing.push('insert');
    if (missing.length) return sendError(res, 400, `${m.full} does not support ${missing.join('\n')}`);

    const wasLoaded = m.loadedUntil !== null && m.loadedUntil > Date.now();
    const ka = keepAlive === undefined ? 5 * 60_000 : keepAlive;
    m.loadedUntil = ka === 0 ? null : Date.now() + ka;
    const loadNs = wasLoaded ? 1_334_875 : 812_345_678;

    if (empty) return sendJson(res, 200, finalShape(kind, modelName, { done: true, done_reason: 'load' }));

    if (hasImages(kind, req) && !m.capabilities.includes('vision')) {
      return sendError(res, 500, 'this model is missing data required for image input');
    }

    const reply = buildReply(kind, req, m, script, think === true, state.tokensPerSecond);
    const stream = req.stream !== false;
    const promptEvalCount = script?.promptEvalCount ?? promptTokenCount(kind, req);
    const promptEvalNs = promptEvalCount * 1_317_000;

    // Token plan: thinking pieces, then content pieces (cut by num_predict → done_reason "length").
    let thinkingPieces = tokenize(reply.thinking);
    let contentPieces = tokenize(reply.content);
    let doneReason = reply.doneReason;
    const numPredict = (req.options as Record<string, unknown> | undefined)?.num_predict;
    if (typeof numPredict === 'number' && numPredict > 0 && thinkingPieces.length + contentPieces.length > numPredict) {
      thinkingPieces = thinkingPieces.slice(0, numPredict);
      contentPieces = contentPieces.slice(0, Math.max(0, numPredict - thinkingPieces.length));
      doneReason = 'length';
    }
    const pieces: Array<{ kind: 'thinking' | 'content'; text: string }> = [
      ...thinkingPieces.map((text) => ({ kind: 'thinking' as const, text })),
      ...contentPieces.map((text) => ({ kind: 'content' as const, text })),
    ];
    const toolCalls = reply.toolCalls.map((tc, index) => ({
      id: toolCallId(),
      function: { index, name: tc.name, arguments: tc.arguments },
    }));
    const delayMs = reply.tokensPerSecond > 0 && Number.isFinite(reply.tokensPerSecond) ? 1000 / reply.tokensPerSecond : 0;

    const writer = stream ? new NdjsonWriter(res, script?.chunkBytes ?? 0) : null;
    let emittedChars = 0;
    let evalCount = 0;
    let fullThinking = '';
    let fullContent = '';
    const evalStart = nowNs();
    const errAfter = reply.errorAfterChars;

    const chunk = (text: string, which: 'thinking' | 'content') =>
      kind === 'chat'
        ? {
            model: modelName,
            created_at: rfc3339Nano(),
            message: which === 'content' ? messageObj(text, '') : messageObj('', text),
            done: false,
          }
        : omitEmpty(
            { model: modelName, created_at: rfc3339Nano(), response: which === 'content' ? text : '', thinking: which === 'thinking' ? text : '', done: false },
            ['thinking'],
          );

    const failMidStream = async (error: string): Promise<void> => {
      if (writer && writer.isStarted) {
        await writer.writeError(error);
        writer.end();
      } else if (writer) {
        // Nothing streamed yet: streamResponse sets `application/json` (no charset) before c.JSON.
        sendJson(res, 500, { error }, 'application/json');
      } else {
        sendError(res, 500, error);
      }
    };

    for (const p of pieces) {
      if (signal.aborted) return;
      let text = p.text;
      let failing = false;
      if (errAfter && emittedChars + text.length >= errAfter.after) {
        text = text.slice(0, Math.max(0, errAfter.after - emittedChars));
        failing = true;
      }
      if (delayMs) await sleep(delayMs, signal);
      if (signal.aborted) return;
      if (text) {
        evalCount++;
        emittedChars += text.length;
        if (p.kind === 'thinking') fullThinking += text;
        else fullContent += text;
        if (writer) await writer.write(chunk(text, p.kind));
      }
      if (failing) return failMidStream(errAfter!.error);
    }
    if (errAfter) {
      if (delayMs) await sleep(delayMs, signal);
      if (signal.aborted) return;
      return failMidStream(errAfter.error);
    }

    if (toolCalls.length && kind === 'chat') {
      if (delayMs) await sleep(delayMs, signal);
      if (signal.aborted) return;
      evalCount += toolCalls.length * 8;
      if (writer) {
        await writer.write({ model: modelName, created_at: rfc3339Nano(), message: messageObj('', '', toolCalls), done: false });
      }
    }
    if (delayMs) await sleep(delayMs, signal);
    if (signal.aborted) return;

    const evalNs = Number(nowNs() - evalStart) || 1;
    const totalNs = Number(nowNs() - startedNs) + loadNs + promptEvalNs;
    const metrics = omitEmpty(
      {
        total_duration: totalNs,
        load_duration: loadNs,
        prompt_eval_count: promptEvalCount,
        prompt_eval_duration: promptEvalNs,
        eval_count: script?.evalCount ?? evalCount,
        eval_duration: evalNs,
      },
      ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'],
    );

    const context = script?.context ?? contextTokens(req, fullContent);
    if (writer) {
      const last = finalShape(kind, modelName, { done: true, done_reason: doneReason, ...metrics }, context);
      await writer.write(last);
      writer.end();
      return;
    }
    // stream:false — one object: last chunk with the whole content, thinking and tool calls.
    const body =
      kind === 'chat'
        ? {
            model: modelName,
            created_at: rfc3339Nano(),
            message: messageObj(fullContent, fullThinking, toolCalls.length ? toolCalls : undefined),
            done: true,
            done_reason: doneReason,
            ...metrics,
          }
        : omitEmpty(
            {
              model: modelName,
              created_at: rfc3339Nano(),
              response: fullContent,
              thinking: fullThinking,
              done: true,
              done_reason: doneReason,
              context,
              ...metrics,
            },
            ['thinking', 'context'],
          );
    sendJson(res, 200, body);
  };
}

/** The generate "context" field: a deterministic list of token ids. */
function contextTokens(req: Record<string, unknown>, answer: string): number[] {
  if (req.raw === true) return [];
  const text = `${typeof req.prompt === 'string' ? req.prompt : ''}${answer}`;
  return tokenize(text).map((t) => {
    let h = 0;
    for (let i = 0; i < t.length; i++) h = (h * 31 + t.charCodeAt(i)) % 128_000;
    return h;
  });
}

function finalShape(kind: Kind, model: string, rest: Record<string, unknown>, context: number[] = []) {
  const { done, done_reason, ...metrics } = rest;
  if (kind === 'chat') {
    return { model, created_at: rfc3339Nano(), message: { role: 'assistant', content: '' }, done, done_reason, ...metrics };
  }
  return omitEmpty(
    { model, created_at: rfc3339Nano(), response: '', done, done_reason, context, ...metrics },
    ['context'],
  );
}
