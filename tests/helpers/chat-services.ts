/**
 * The chat's services (client/chat/services) wired as createChat wires them, for Node tests: a
 * real automerge-repo Repo, a real workspace document, the real Ollama client pointed at the
 * fake Ollama, and answers run by `runAnswer` in a plain registry (the Generations registry
 * without its Solid store and frames).
 */
import { Repo, type AutomergeUrl, type DocHandle } from '@automerge/automerge-repo';
import { initialWorkspace, newId, setEntryTitle, storedString, type ConversationDoc, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { documentsSettings } from '../../shared/rag/settings.ts';
import { createOllamaClient } from '../../client/ollama/client.ts';
import type { LiveText, RunControl } from '../../client/chat/generations.tsx';
import { makeChatActions, type ChatActions } from '../../client/chat/services/chat-actions.ts';
import { makeAnswerStarter, type AnswerRunner, type OpenConversation } from '../../client/chat/services/start-answers.ts';
import { makeEntryBook } from '../../client/chat/services/entry-book.ts';
import { makeFlushSoon } from '../../client/chat/services/flush-soon.ts';
import { answerModel } from '../../client/chat/services/answer-model.ts';
import { storeImage } from '../../client/chat/images.ts';

export interface PlainRunner extends AnswerRunner {
  /** resolves once every answer started so far has settled */
  settled(): Promise<void>;
  /** resolves with the text shown for `id` once `test` holds for it */
  shown(id: string, test: (t: LiveText) => boolean): Promise<LiveText>;
}

export function plainRunner(writerId = 'tab-here'): PlainRunner {
  const controllers = new Map<string, AbortController>();
  const runs = new Set<Promise<void>>();
  const watchers = new Set<{ id: string; test: (t: LiveText) => boolean; resolve: (t: LiveText) => void }>();
  return {
    writerId,
    isRunning: (id) => controllers.has(id),
    stop: (id) => controllers.get(id)?.abort(),
    start(id, job: (ctl: RunControl) => Promise<void>) {
      if (controllers.has(id)) return Promise.resolve();
      const ac = new AbortController();
      controllers.set(id, ac);
      const show = (text: LiveText) => {
        for (const w of watchers) {
          if (w.id !== id || !w.test(text)) continue;
          watchers.delete(w);
          w.resolve({ ...text });
        }
      };
      const run: Promise<void> = job({ signal: ac.signal, show }).finally(() => {
        if (controllers.get(id) === ac) controllers.delete(id);
        runs.delete(run);
      });
      runs.add(run);
      return run;
    },
    async settled() {
      while (runs.size > 0) await Promise.allSettled([...runs]);
    },
    shown(id, test) {
      return new Promise((resolve) => watchers.add({ id, test, resolve }));
    },
    // (the registry's own stopAll is not used by the actions)
  };
}

export interface TestChat {
  repo: Repo;
  workspace: DocHandle<WorkspaceDoc>;
  runner: PlainRunner;
  actions: ChatActions;
  /** tasks the services put off to a task of their own, run when the test says */
  tasks: { pending(): number; run(): void };
  /** conversations the page was sent to */
  opened: string[];
  /** the models remembered for the next new chat, in order */
  remembered: string[][];
  saveErrors: unknown[];
  /** the conversation `id` of the workspace index, opened */
  conversation(id: string): Promise<OpenConversation>;
}

/** `ollama:<name>` models run on the fake Ollama at `ollamaUrl`; the workspace asks for model titles. */
export function makeTestChat(ollamaUrl: string, opts: { repo?: Repo; autoTitle?: boolean } = {}): TestChat {
  const repo = opts.repo ?? new Repo({ network: [] });
  const workspace = repo.create<WorkspaceDoc>(initialWorkspace('Test workspace'));
  const runner = plainRunner();
  const queue: (() => void)[] = [];
  const nextTask = (fn: () => void) => void queue.push(fn);
  const opened: string[] = [];
  const remembered: string[][] = [];
  const saveErrors: unknown[] = [];
  const ollama = () => createOllamaClient(ollamaUrl);
  const nameOf = (ref: string | null) => (ref?.startsWith('ollama:') ? ref.slice('ollama:'.length) : null);
  const entries = makeEntryBook({ workspace: () => workspace, now: Date.now });
  const startAnswers = makeAnswerStarter({
    repo,
    runner,
    modelFor: (ref, handle, answerId, merging) =>
      answerModel(
        {
          info: (r) => {
            const name = nameOf(r);
            return name ? { target: { kind: 'base', model: name }, ollamaModel: name, name, vision: false } : null;
          },
          preset: () => undefined,
          ollama,
          clientFor: (_r, _t, client) => client,
          hooks: () => {
            throw new Error('no presets in these tests');
          },
        },
        ref,
        handle,
        answerId,
        merging,
      ),
    settings: () => ({ ownThread: false, ragTemplate: documentsSettings(undefined).template, variables: { userName: '', language: 'en' } }),
    entries,
    title: (convId) => ({
      enabled: () => opts.autoTitle ?? true,
      async ask(ref, messages) {
        const name = nameOf(ref);
        if (!name) return null;
        return (await ollama().chatOnce({ model: name, messages })).message?.content ?? '';
      },
      onTitle: (title) =>
        workspace.change((w) => {
          const e = w.conversations[convId];
          if (e) setEntryTitle(e, title);
        }),
    }),
    onSaveError: (e) => saveErrors.push(e),
    nextTask: () => Promise.resolve(),
  });
  const actions = makeChatActions({
    repo,
    workspace: () => workspace,
    entries,
    flushSoon: makeFlushSoon({
      flush: (ids) => repo.flush(ids),
      alongWith: () => [workspace.documentId],
      nextTask,
      onError: (e) => saveErrors.push(e),
    }),
    startAnswers,
    runner,
    newId,
    now: Date.now,
    storeImage: (image) => storeImage(repo, image),
    rememberModels: (refs) => void remembered.push([...refs]),
    nextTask,
    opened: (id) => void opened.push(id),
  });
  return {
    repo,
    workspace,
    runner,
    actions,
    tasks: {
      pending: () => queue.length,
      run: () => {
        for (const fn of queue.splice(0)) fn();
      },
    },
    opened,
    remembered,
    saveErrors,
    async conversation(id) {
      const entry = workspace.doc().conversations[id];
      if (!entry) throw new Error(`no conversation ${id} in the index`);
      const handle = await repo.find<ConversationDoc>(storedString(entry.url) as AutomergeUrl);
      return { handle, id };
    },
  };
}
