import type { DocHandle, Repo } from '@automerge/automerge-repo';
import type { ConversationDoc } from '../../../shared/schema/index.ts';
import { storedOrNull } from '../../../shared/schema/stored-string.ts';
import type { ChatTarget } from '../../../shared/chat/request.ts';
import type { PromptVariableContext } from '../../../shared/chat/prompt-variables.ts';
import type { OllamaClient } from '../../ollama/client.ts';
import type { Generations } from '../generations.tsx';
import { runAnswer, type AnswerOutcome } from '../run-answer.ts';
import type { AnswerHooks } from '../../tools/answer-hooks.ts';
import type { EntryBook } from './entry-book.ts';
import { proposeTitle, type TitleDeps } from './title.ts';

/** The part of the Generations registry the actions use: answers run there, not in the UI. */
export type AnswerRunner = Pick<Generations, 'writerId' | 'start' | 'stop' | 'isRunning'>;

/** How one answer calls its model. */
export interface AnswerModel {
  client: OllamaClient;
  /** null when the model is gone (deleted preset): the answer fails with "model not found" */
  target: ChatTarget | null;
  ollamaModel: string;
  vision: boolean;
  /** a preset's documents, tools and filters (client/tools/answer-hooks.ts) */
  hooks?: AnswerHooks;
}

/** The workspace's settings an answer reads when its request is built. */
export interface AnswerSettings {
  ownThread: boolean;
  ragTemplate: string;
  variables: Omit<PromptVariableContext, 'now'>;
}

export interface StartAnswersDeps {
  repo: Repo;
  runner: AnswerRunner;
  /** `merging`: a merged answer only combines answers, with no retrieval, tools or filters of its own */
  modelFor(ref: string | null, handle: DocHandle<ConversationDoc>, answerId: string, merging: boolean): AnswerModel;
  settings(): AnswerSettings;
  entries: EntryBook;
  /** the model's title after the first answer of conversation `convId` */
  title(convId: string): TitleDeps;
  onSaveError(err: unknown): void;
  /** resolves in a task of its own (setTimeout 0 in the app) */
  nextTask(): Promise<void>;
}

/** A conversation being written: its document and its id in the workspace index. */
export interface OpenConversation {
  handle: DocHandle<ConversationDoc>;
  id: string;
}

export type StartAnswers = (conv: OpenConversation, answerIds: readonly string[], continuing: boolean) => void;

/**
 * Starts answers already in the document (placeholders, restarted ones) in the runner. Each is
 * marked running at once (no "interrupted" flash), its request built and sent in a task of its
 * own (sending a message also creates, stores and navigates: all of it in one task is a long
 * one). When it settles, the index entry is touched; after a finished first answer the model
 * proposes the title.
 */
export function makeAnswerStarter(deps: StartAnswersDeps): StartAnswers {
  return ({ handle, id: convId }, answerIds, continuing) => {
    for (const answerId of answerIds) {
      const message = handle.doc().messages[answerId];
      const ref = storedOrNull(message?.model);
      const model = deps.modelFor(ref, handle, answerId, message?.mergeOf !== undefined);
      void deps.runner.start(
        answerId,
        async (ctl) => {
          await deps.nextTask();
          const settings = deps.settings();
          const outcome: AnswerOutcome = await runAnswer(
            {
              repo: deps.repo,
              handle,
              answerId,
              client: model.client,
              target: model.target,
              ollamaModel: model.ollamaModel,
              ownThread: settings.ownThread,
              vision: model.vision,
              ragTemplate: settings.ragTemplate,
              continuing,
              variables: settings.variables,
              hooks: model.hooks,
              onSaveError: deps.onSaveError,
            },
            ctl,
          );
          deps.entries.touch(convId, ref ?? undefined);
          if (outcome === 'done') await proposeTitle(deps.title(convId), handle, answerId);
        },
        handle.documentId,
      );
    }
  };
}
