import type { DocHandle, Repo } from '@automerge/automerge-repo';
import type { ConversationDoc } from '../../shared/schema/conversation.ts';
import { storedString } from '../../shared/schema/stored-string.ts';
import type { Diagnosis } from '../../shared/ollama/diagnose.ts';
import { RagError } from '../knowledge/rag.ts';
import { buildChatRequest, type ChatTarget } from '../../shared/chat/request.ts';
import type { PromptVariableContext } from '../../shared/chat/prompt-variables.ts';
import { chatInputs, contextForAnswer, newlyLeftOut } from '../../shared/chat/context.ts';
import { statsFromDone } from '../../shared/chat/stats.ts';
import type { OllamaClient } from '../ollama/client.ts';
import type { RunControl } from './generations.tsx';
import { makeStreamWriter } from './stream-writer.ts';
import { answerText, writeAnswerText } from '../../shared/chat/messages.ts';
import { loadImages } from './images.ts';
import { runToolLoop, type LoopRequest } from '../../shared/tools/loop.ts';
import type { MessageSource, MessageToolCall } from '../../shared/schema/conversation.ts';
import type { AnswerHooks } from '../tools/answer-hooks.ts';

/*
 * Generate one answer: gather its context from the document, build the exact /api/chat body,
 * stream it, show every token at once in this tab and write it to the document in batches.
 * Ends with the answer settled: done (with its statistics), stopped (keeping what arrived), or
 * failed (with the diagnosis, so a Retry button can run it again).
 */

export interface AnswerJob {
  repo: Repo;
  handle: DocHandle<ConversationDoc>;
  answerId: string;
  client: OllamaClient;
  /** null when the model is gone (deleted preset) */
  target: ChatTarget | null;
  /** the Ollama model name, for diagnoses */
  ollamaModel: string;
  ownThread: boolean;
  /** the model reads images (preset's vision flag or Ollama's capabilities); else pictures are left out */
  vision: boolean;
  /** the template of retrieved passages (workspace's documents settings), for earlier answers' sources */
  ragTemplate: string;
  /** append to the answer's text instead of starting from scratch */
  continuing: boolean;
  /** what fills the system prompt's variables; the time is taken when the request is built */
  variables: Omit<PromptVariableContext, 'now'>;
  /** documents, tools and filters of a preset */
  hooks?: AnswerHooks;
  /** told when the settled answer could not be written to storage */
  onSaveError: (err: unknown) => void;
}

export type AnswerOutcome = 'done' | 'stopped' | 'error';

export async function runAnswer(job: AnswerJob, ctl: RunControl): Promise<AnswerOutcome> {
  const outcome = await generate(job, ctl);
  // the settled answer goes to storage now, not after the repo's save debounce: a tab closed
  // right after an answer ends must not leave it "streaming" forever
  await job.repo.flush([job.handle.documentId]).catch(job.onSaveError);
  return outcome;
}

async function generate(job: AnswerJob, ctl: RunControl): Promise<AnswerOutcome> {
  const { handle, answerId } = job;
  const writer = makeStreamWriter(handle, answerId);
  let { content, thinking } = answerText(handle.doc().messages[answerId]);
  ctl.show({ content, thinking });

  const fail = (diagnosis: Diagnosis): AnswerOutcome => {
    if (diagnosis.code === 'aborted' || ctl.signal.aborted) {
      writer.finish({ status: 'stopped' });
      return 'stopped';
    }
    const message = 'message' in diagnosis && typeof diagnosis.message === 'string' ? diagnosis.message : diagnosis.code;
    // a plain copy without undefined fields (Automerge refuses undefined)
    writer.finish({ status: 'error', error: message, diagnosis: JSON.parse(JSON.stringify(diagnosis)) as Record<string, string> & { code: string } });
    return 'error';
  };

  if (!job.target) return fail({ code: 'model-not-found', model: job.ollamaModel, where: 'local' });

  try {
    const doc = handle.doc();
    const context = contextForAnswer(doc.messages, answerId, { ownThread: job.ownThread, continuing: job.continuing });
    const images = job.vision ? await loadImages(job.repo, context.flatMap((m) => (storedString(m.role) === 'user' ? m.images : []))) : new Map<string, string>();
    const inputs = chatInputs(context, {
      imagesOf: (m) => m.images.map((u) => images.get(u)).filter((b): b is string => b !== undefined),
      vision: job.vision,
      ragTemplate: job.ragTemplate,
      answerId,
    });
    // the person is told once which pictures this model did not get (the answer shows it)
    const leftOut = newlyLeftOut(context, inputs.imagesLeftOut);
    handle.change((d) => {
      const m = d.messages[answerId];
      if (!m) return;
      if (leftOut.length > 0) m.imagesLeftOut = leftOut;
      else if (m.imagesLeftOut && !job.continuing) delete m.imagesLeftOut;
    });
    const request = buildChatRequest(job.target, inputs.messages, { variables: { ...job.variables, now: new Date() } });
    const { stream: _stream, ...plain } = request;
    let body = plain as LoopRequest;
    if (job.hooks) {
      const prepared = await job.hooks.prepare(body, ctl.signal);
      body = prepared.request;
      const sources = prepared.sources;
      handle.change((d) => {
        const m = d.messages[answerId];
        if (!m) return;
        if (sources.length > 0) m.sources = JSON.parse(JSON.stringify(sources)) as MessageSource[];
        else if (m.sources) delete m.sources;
        if (m.toolCalls && !job.continuing) delete m.toolCalls;
      });
    }
    let stats: Record<string, number> = {};
    const result = await runToolLoop({
      request: body,
      chat: (b) => job.client.chat(b as Parameters<OllamaClient['chat']>[0], { signal: ctl.signal }),
      execute: (name, args) => (job.hooks ? job.hooks.runTool(name, args) : Promise.resolve({ result: `no tool named ${name}`, error: true })),
      onText: (c, th) => {
        content += c;
        thinking += th;
        writer.append(c, th);
        ctl.show({ content, thinking });
      },
      onToolCall: (r) => {
        handle.change((d) => {
          const m = d.messages[answerId];
          if (!m) return;
          const call: MessageToolCall = { ...r };
          if (m.toolCalls) m.toolCalls.push(call);
          else m.toolCalls = [call];
        });
      },
    });
    if (result.done) stats = statsFromDone(result.done as unknown as Record<string, unknown>);
    if (job.hooks) {
      const out = await job.hooks.outlet(content);
      if (out !== content) {
        writer.finish({ status: 'done', stats });
        content = out;
        ctl.show({ content, thinking });
        handle.change((d) => {
          const m = d.messages[answerId];
          if (m) writeAnswerText(m, { content: out });
        });
        return 'done';
      }
    }
    writer.finish({ status: 'done', stats });
    return 'done';
  } catch (e) {
    if (e instanceof RagError && e.code === 'no-embedding-model') return fail({ code: 'no-embedding-model' });
    return fail(await job.client.diagnoseError(e, { operation: 'chat', model: job.ollamaModel, streamStarted: content !== '' || thinking !== '' }));
  }
}
