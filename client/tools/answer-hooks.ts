import type { DocHandle, Repo } from '@automerge/automerge-repo';
import type { ConversationDoc, MessageSource, MessageToolCall } from '../../shared/schema/conversation.ts';
import type { PresetView } from '../../shared/schema/preset.ts';
import type { WorkspaceDoc } from '../../shared/schema/workspace.ts';
import { documentsSettings } from '../../shared/rag/settings.ts';
import { resultText } from '../../shared/tools/sandbox.ts';
import type { LoopRequest } from '../../shared/tools/loop.ts';
import type { OllamaClient } from '../ollama/client.ts';
import type { KnownModel } from '../ollama/known-models.ts';
import { loadKnowledge, retrieve } from '../knowledge/rag.ts';
import { setAnswerStatus } from '../knowledge/status.ts';
import { builtinById } from './builtins.ts';
import { loadUserTools, type ToolItem } from './registry.ts';
import { runUserCode } from './sandbox-browser.ts';
import { baseModelToolSupport } from './capability.ts';

/**
 * What a preset adds around an answer (made by createAnswerHooks, run by chat/run-answer.ts):
 * retrieval and filter inlets change the request, tools are run when the model calls them,
 * outlets change the text.
 */
export interface AnswerHooks {
  prepare(request: LoopRequest, signal: AbortSignal): Promise<{ request: LoopRequest; sources: MessageSource[] }>;
  runTool(name: string, args: Record<string, unknown>): Promise<{ result: string; error: boolean }>;
  outlet(content: string): Promise<string>;
}

/*
 * What a preset adds around one answer: retrieval from its documents (the last user message
 * becomes the template with the passages), its tools (sent as `tools`, run when called:
 * built-ins in the page, the user's in the sandbox), and its filters (inlet on the request,
 * outlet on the answer). Problems in user code are recorded on the answer (folded, with the
 * line) and never stop it.
 */

export interface HookDeps {
  repo: Repo;
  client: OllamaClient;
  preset: PresetView;
  workspace: WorkspaceDoc | undefined;
  knownModels: KnownModel[];
  handle: DocHandle<ConversationDoc>;
  answerId: string;
  /** tools and filters of the preset switched off in this chat */
  off?: ReadonlySet<string>;
}

type Exec = (args: Record<string, unknown>) => Promise<{ result: string; error: boolean }>;

export function createAnswerHooks(deps: HookDeps): AnswerHooks {
  const { preset, handle, answerId } = deps;
  const executors = new Map<string, Exec>();
  let filters: ToolItem[] = [];

  const record = (call: MessageToolCall) =>
    handle.change((d) => {
      const m = d.messages[answerId];
      if (!m) return;
      if (m.toolCalls) m.toolCalls.push(call);
      else m.toolCalls = [call];
    });
  const problem = (name: string, error: string, line: number | null) =>
    record({ name, arguments: '', result: line ? `${error} (line ${line})` : error, error: true });

  return {
    async prepare(request, signal) {
      let req: LoopRequest = { ...request, messages: request.messages.map((m) => ({ ...m })) };
      let sources: Awaited<ReturnType<AnswerHooks['prepare']>>['sources'] = [];

      // documents
      if (Object.keys(preset.knowledge ?? {}).length > 0) {
        const lastUser = req.messages.map((m) => m.role).lastIndexOf('user');
        const target = req.messages[lastUser];
        if (target) {
          const docs = await loadKnowledge(deps.repo, preset.knowledge);
          const fallbackModel = deps.knownModels.find((m) => m.capabilities.includes('embedding'))?.name;
          try {
            const res = await retrieve(deps.client, docs, documentsSettings(deps.workspace?.settings), target.content, {
              signal,
              fallbackModel,
              onProgress: (p) => setAnswerStatus(answerId, p),
            });
            if (res) {
              target.content = res.content;
              sources = res.sources;
            }
          } finally {
            setAnswerStatus(answerId, null);
          }
        }
      }

      // tools, filters
      const user = await loadUserTools(deps.repo, deps.workspace);
      const byId = new Map(user.map((t) => [t.id, t]));
      const tools: unknown[] = [];
      const canUseTools = baseModelToolSupport(preset.baseModel, deps.knownModels) !== 'no';
      for (const id of Object.keys(preset.toolIds ?? {})) {
        if (deps.off?.has(id)) continue;
        const b = builtinById(id);
        if (b?.run) {
          for (const f of b.functions) {
            tools.push({ type: 'function', function: f });
            const run = b.run;
            executors.set(f.name, async (args) => {
              try {
                return { result: run(f.name, args), error: false };
              } catch (e) {
                return { result: `Error: ${e instanceof Error ? e.message : String(e)}`, error: true };
              }
            });
          }
          continue;
        }
        const t = byId.get(id);
        if (!t || t.toolType !== 'tool') continue;
        const d = await runUserCode(t.code, { op: 'describe' }, { network: t.network });
        if (!d.ok) {
          problem(t.name, d.error, d.line);
          continue;
        }
        const desc = d.value as { tools: Array<{ name: string; description: string; parameters: unknown }> };
        for (const f of desc.tools) {
          tools.push({ type: 'function', function: f });
          executors.set(f.name, async (args) => {
            const out = await runUserCode(t.code, { op: 'tool', name: f.name, args }, { network: t.network });
            return out.ok ? { result: resultText(out.value), error: false } : { result: `Error: ${out.error}${out.line ? ` (line ${out.line})` : ''}`, error: true };
          });
        }
      }
      if (tools.length > 0 && canUseTools) req.tools = tools;

      filters = Object.keys(preset.filterIds ?? {})
        .filter((id) => !deps.off?.has(id))
        .map((id) => byId.get(id))
        .filter((t): t is ToolItem => t !== undefined && t.toolType === 'filter');
      for (const f of filters) {
        const out = await runUserCode(f.code, { op: 'inlet', value: req }, { network: f.network });
        if (!out.ok) problem(f.name, out.error, out.line);
        else if (out.value && typeof out.value === 'object' && Array.isArray((out.value as LoopRequest).messages)) req = out.value as LoopRequest;
      }
      return { request: req, sources };
    },

    async runTool(name, args) {
      const exec = executors.get(name);
      if (!exec) return { result: `Error: no tool named ${name}`, error: true };
      setAnswerStatus(answerId, { phase: 'tool', name });
      try {
        return await exec(args);
      } finally {
        setAnswerStatus(answerId, null);
      }
    },

    async outlet(content) {
      let text = content;
      for (const f of filters) {
        const out = await runUserCode(f.code, { op: 'outlet', value: { role: 'assistant', content: text } }, { network: f.network });
        if (!out.ok) problem(f.name, out.error, out.line);
        else if (typeof out.value === 'string') text = out.value;
        else if (out.value && typeof (out.value as { content?: unknown }).content === 'string') text = (out.value as { content: string }).content;
      }
      return text;
    },
  };
}
