import type { DocHandle, Repo } from '@automerge/automerge-repo';
import type { ConversationDoc } from '../../shared/schema/conversation.ts';
import type { Diagnosis } from '../../shared/ollama/diagnose.ts';
import { buildChatRequest, type ChatTarget } from '../../shared/chat/request.ts';
import { contextForAnswer, toChatInputs } from '../../shared/chat/context.ts';
import { statsFromDone } from '../../shared/chat/stats.ts';
import type { OllamaClient } from '../ollama/client.ts';
import type { RunControl } from './generations.tsx';
import { makeStreamWriter } from './stream-writer.ts';
import { loadImages } from './images.ts';

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
  /** append to the answer's text instead of starting from scratch */
  continuing: boolean;
}

export type AnswerOutcome = 'done' | 'stopped' | 'error';

export async function runAnswer(job: AnswerJob, ctl: RunControl): Promise<AnswerOutcome> {
  const outcome = await generate(job, ctl);
  // the settled answer goes to storage now, not after the repo's save debounce: a tab closed
  // right after an answer ends must not leave it "streaming" forever
  await job.repo.flush([job.handle.documentId]).catch(() => undefined);
  return outcome;
}

async function generate(job: AnswerJob, ctl: RunControl): Promise<AnswerOutcome> {
  const { handle, answerId } = job;
  const writer = makeStreamWriter(handle, answerId);
  const start = handle.doc().messages[answerId];
  let content = start?.content ?? '';
  let thinking = start?.thinking ?? '';
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
    const images = await loadImages(job.repo, context.flatMap((m) => (m.role === 'user' ? m.images : [])));
    const request = buildChatRequest(job.target, toChatInputs(context, (m) => m.images.map((u) => images.get(u)).filter((b): b is string => b !== undefined)));
    const { stream: _stream, ...body } = request;
    const stream = await job.client.chat(body as Parameters<OllamaClient['chat']>[0], { signal: ctl.signal });
    let stats: Record<string, number> = {};
    for await (const part of stream) {
      const c = part.message?.content ?? '';
      const th = part.message?.thinking ?? '';
      if (c || th) {
        content += c;
        thinking += th;
        writer.append(c, th);
        ctl.show({ content, thinking });
      }
      if (part.done) stats = statsFromDone(part as unknown as Record<string, unknown>);
    }
    writer.finish({ status: 'done', stats });
    return 'done';
  } catch (e) {
    return fail(await job.client.diagnoseError(e, { operation: 'chat', model: job.ollamaModel, streamStarted: content !== '' || thinking !== '' }));
  }
}
