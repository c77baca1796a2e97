import { createEffect, createMemo, createSignal, on, type Accessor } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import { isValidAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo';
import {
  DEFAULT_WORKSPACE_SETTINGS,
  entryState,
  newId,
  setEntryTitle,
  type ConversationDoc,
  type ConversationEntry,
  type Plain,
  type WorkspaceSettings,
} from '../../shared/schema/index.ts';
import { documentsSettings } from '../../shared/rag/settings.ts';
import { useRepo } from '../repo/repo-context.tsx';
import { useDeviceSettings } from '../repo/device-settings-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { useOllamaModels } from '../ollama/known-models-context.tsx';
import { useOpenAIConnections } from '../openai/connections-context.tsx';
import { immutable, storedString } from '../../shared/schema/stored-string.ts';
import { capabilityOn } from '../../shared/presets/capabilities.ts';
import { useI18n } from '../i18n/context.tsx';
import { createConversationDoc } from './create-conversation-doc.ts';
import { conversationSettler } from './move-conversation.ts';
import { createOllamaClient } from '../ollama/client.ts';
import { chatClientFor } from '../openai/chat-client.ts';
import { useGenerations, type Generations } from './generations.tsx';
import { createModelCatalog, type ModelCatalog } from './model-catalog.ts';
import { storeImage, type PreparedImage } from './images.ts';
import { loadLastModels, saveLastModels } from './drafts.ts';
import { clampModels } from './limits.ts';
import { usePresets } from '../models/presets-context.tsx';
import { createAnswerHooks } from '../tools/answer-hooks.ts';
import { loadView, type SavedView } from './view-cache.ts';
import { loadRenderer } from './markdown/lazy.ts';
import type { PreparedFile } from './attachments/prepare-file.ts';
import { makeChatActions, type SendResult } from './services/chat-actions.ts';
import { makeAnswerStarter, type OpenConversation } from './services/start-answers.ts';
import { makeEntryBook } from './services/entry-book.ts';
import { makeFlushSoon } from './services/flush-soon.ts';
import { answerModel } from './services/answer-model.ts';
import { chatToolsOf, offInChat } from './services/chat-tools.ts';
import { presetIdOf } from '../../shared/chat/model-ref.ts';

/** Resolves once what was just rendered has been painted. */
const afterPaint = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/*
 * The chat's state for the conversation in the address bar (or a new one), as Solid signals:
 * which models answer the next message, its tools, what is running here, the saved view shown
 * while the document opens. A thin reactive shell: the actions (send, regenerate, retry,
 * continue, edit, merge, branch selection, stop), answer starting, titles, the index entry and
 * flush scheduling are plain services (services/), wired here to the workspace and the page.
 * Answers run in the Generations registry, independent of the UI.
 */

export type ChatStatus = 'new' | 'opening' | 'open' | 'missing';
export type { SendResult };

export interface Chat {
  id: Accessor<string | undefined>;
  /** the index entry, as the workspace store holds it (plain strings) */
  entry: Accessor<Plain<ConversationEntry> | undefined>;
  /** the conversation as the UI store holds it (every stored string a plain string) */
  doc: Accessor<Plain<ConversationDoc> | undefined>;
  status: Accessor<ChatStatus>;
  /** while the document opens: what the message list last showed of it (sanitised), if saved */
  preview: Accessor<SavedView | null>;
  readOnly: Accessor<boolean>;
  settings: Accessor<WorkspaceSettings>;
  maxModels: Accessor<number>;
  /** models that answer the next message */
  models: Accessor<string[]>;
  setModels(models: string[]): void;
  catalog: ModelCatalog;
  generations: Generations;
  /** presets among `models` that are disabled: the chat says so and sends nothing */
  disabledModels: Accessor<string[]>;
  /** every model of the next turn reads images */
  canAttachImages: Accessor<boolean>;
  /** every preset of the next turn offers file upload (its capability): text files and PDFs */
  canAttachFiles: Accessor<boolean>;
  /** the tools and filters of the chosen presets, each on or off in this chat (starting from the presets' defaults) */
  chatTools: Accessor<Array<{ id: string; on: boolean }>>;
  setChatTool: (id: string, on: boolean) => void;
  /** answers of this conversation generating in this tab */
  runningHere: Accessor<string[]>;
  send(text: string, images: readonly PreparedImage[], files?: readonly PreparedFile[]): SendResult;
  /** ask `model` to combine the answers `answerIds` of the turn answering `parentId` into one (merge.ts) */
  merge(parentId: string, model: string, answerIds: readonly string[]): void;
  regenerate(answerId: string): void;
  retry(answerId: string): void;
  continueAnswer(answerId: string): void;
  /**
   * An answer whose writer vanished (interrupted) keeps the text its live messages brought to
   * this tab beyond its last checkpoint: what the person saw is stored, and Continue goes on from it.
   */
  keepLiveText(answerId: string): void;
  edit(userId: string, text: string): void;
  select(messageId: string): void;
  stop(answerId: string): void;
  stopAll(): void;
}

export function createChat(conversationId: Accessor<string | undefined>): Chat {
  const { repo, saves } = useRepo();
  const { workspace } = useWorkspaceDoc();
  const device = useDeviceSettings();
  const ollamaModels = useOllamaModels();
  const openai = useOpenAIConnections();
  const { locale } = useI18n();
  const presets = usePresets();
  const navigate = useNavigate();
  const generations = useGenerations();
  const catalog = createModelCatalog();

  const entry = () => {
    const id = conversationId();
    return id ? workspace()?.doc.conversations[id] : undefined;
  };
  const liveEntry = () => {
    const e = entry();
    return e && entryState(e) === 'live' ? e : undefined;
  };
  // A saved view of the conversation is painted before its document is loaded (view-cache.ts),
  // unless the document is already in memory (opening it again costs nothing).
  const [savedView, setSavedView] = createSignal<SavedView | null>(null);
  const showSavedView = async (url: string) => {
    const id = conversationId();
    setSavedView(null);
    if (!id || !isValidAutomergeUrl(url) || repo.handles[parseAutomergeUrl(url).documentId]?.isReady()) return;
    // The document's load waits for this: without a saved view it must not wait for the renderer
    // chunk too (fetched meanwhile, the live list needs it anyway).
    const rendering = loadRenderer().catch(() => null);
    const view = await loadView(id);
    // saved in another language, its buttons and labels would be in that language
    if (!view || conversationId() !== id || view.locale !== locale()) return;
    const renderer = await rendering;
    if (!renderer || conversationId() !== id) return;
    setSavedView({ ...view, turns: view.turns.map((html) => renderer.sanitizeView(html)) });
    await afterPaint();
  };
  const opened = createConversationDoc(repo, () => liveEntry()?.url, showSavedView, conversationSettler(repo, workspace, conversationId));
  const store = () => opened.store();
  const doc = () => store()?.doc;

  const status = createMemo<ChatStatus>(() => {
    if (!conversationId()) return 'new';
    if (!liveEntry() || opened.problem()) return 'missing';
    return store() ? 'open' : 'opening';
  });

  const preview = () => {
    const v = savedView();
    return v && v.id === conversationId() && status() === 'opening' ? v : null;
  };

  const settings = (): WorkspaceSettings => ({ ...DEFAULT_WORKSPACE_SETTINGS, ...(workspace()?.doc.settings ?? {}) });
  const maxModels = () => clampModels(settings().maxModels);

  const [newChatModels, setNewChatModels] = createSignal<string[]>(loadLastModels());
  const models = createMemo(() => {
    const list = status() === 'new' ? newChatModels() : (doc()?.models ?? []);
    return [...new Set(list)].slice(0, maxModels());
  });
  const setModels = (list: string[]) => {
    const clean = [...new Set(list)].slice(0, maxModels());
    const s = store();
    if (s && !opened.readOnly()) {
      s.change((d) => {
        // one value per entry (conversation schema 3); entries may be either form
        if (d.models.length !== clean.length || d.models.some((m, i) => storedString(m) !== clean[i])) d.models = clean.map((m) => immutable(m));
      });
    } else setNewChatModels(clean);
  };

  // Per chat, in memory: which of the presets' tools and filters are switched on or off here.
  // A new chat (or another conversation, or other models) starts again from the presets' defaults.
  const [toolChoice, setToolChoice] = createSignal<Record<string, boolean>>({});
  const presetOf = (ref: string | null) => {
    const id = presetIdOf(ref);
    return id === null ? undefined : presets.byId(id)?.doc();
  };
  const chosenPresets = () => models().map((ref) => presetOf(ref)).filter((p) => p !== undefined);
  // (a new chat getting its id when its first message is sent keeps the choices made before)
  createEffect(on(conversationId, (id, prev) => prev !== undefined && id !== prev && setToolChoice({}), { defer: true }));
  // other models: their own defaults (an empty list while a conversation opens is not a change)
  let lastModels = models().join('\n');
  createEffect(
    on(() => models().join('\n'), (list) => {
      if (list === '' || list === lastModels) return;
      lastModels = list;
      setToolChoice({});
    }),
  );
  const chatTools = createMemo(() => chatToolsOf(chosenPresets(), toolChoice()));
  const disabledModels = createMemo(() =>
    models().filter((ref) => presetOf(ref)?.disabled === true),
  );

  // the preset offers file upload (its capability; absent = on)
  const uploadOn = (ref: string) => capabilityOn(presetOf(ref), 'file_upload');
  const canAttachFiles = createMemo(() => models().length > 0 && models().every(uploadOn));
  const canAttachImages = createMemo(() => canAttachFiles() && models().every((ref) => catalog.info(ref)?.vision === true));

  // from the few answers running in this tab, not by reading every message of the conversation
  const runningHere = createMemo(() => {
    const d = doc();
    if (!d) return [];
    return generations.runningIds().filter((id) => d.messages[id]?.status === 'streaming');
  });

  const entries = makeEntryBook({ workspace, now: Date.now });
  const ollama = () => createOllamaClient(device.settings.ollamaEndpoint);

  const startAnswers = makeAnswerStarter({
    repo,
    runner: generations,
    modelFor: (ref, handle, answerId, merging) =>
      answerModel(
        {
          info: (r) => catalog.info(r),
          preset: presetOf,
          ollama,
          clientFor: (r, target, client) => chatClientFor(openai, r, target, client),
          hooks: ({ preset, client, handle: h, answerId: id }) =>
            createAnswerHooks({ repo, client, preset, workspace: workspace()?.doc, knownModels: ollamaModels.models(), handle: h, answerId: id, off: offInChat(chatTools()) }),
        },
        ref,
        handle,
        answerId,
        merging,
      ),
    settings: () => ({
      ownThread: settings().ownThread,
      ragTemplate: documentsSettings(workspace()?.doc.settings).template,
      variables: { userName: storedString(settings().userName ?? ''), language: locale() },
    }),
    entries,
    title: (convId) => ({
      enabled: () => settings().autoTitle,
      async ask(ref, messages) {
        const info = catalog.info(ref);
        if (!info?.ollamaModel) return null;
        const res = await chatClientFor(openai, ref, info.target, ollama()).chatOnce({ model: info.ollamaModel, messages });
        return res.message?.content ?? '';
      },
      onTitle: (title) =>
        workspace()?.change((w) => {
          const e = w.conversations[convId];
          if (e) setEntryTitle(e, title);
        }),
    }),
    onSaveError: saves.report,
    nextTask: () => new Promise((resolve) => setTimeout(resolve, 0)),
  });

  const actions = makeChatActions({
    repo,
    workspace,
    entries,
    flushSoon: makeFlushSoon({
      flush: (ids) => repo.flush(ids),
      alongWith: () => {
        const ws = workspace();
        return ws ? [ws.handle.documentId] : [];
      },
      nextTask: (fn) => setTimeout(fn, 0),
      onError: saves.report,
    }),
    startAnswers,
    runner: generations,
    newId,
    now: Date.now,
    storeImage: (image) => storeImage(repo, image),
    rememberModels: saveLastModels,
    nextTask: (fn) => setTimeout(fn, 0),
    opened: (id) => navigate(`/chat/${id}`),
  });

  /** the conversation as it can be written now, or null (opening, missing, read-only) */
  const writable = (): OpenConversation | null => {
    const s = store();
    const id = conversationId();
    return s && id && !opened.readOnly() ? { handle: s.handle, id } : null;
  };
  /** runs `act` on the writable conversation; nothing when there is none */
  const onWritable = (act: (conv: OpenConversation) => void) => {
    const w = writable();
    if (w) act(w);
  };

  const send = (text: string, images: readonly PreparedImage[], files: readonly PreparedFile[] = []): SendResult =>
    actions.send(status() === 'new' ? 'new' : writable(), {
      text,
      images,
      files,
      models: models(),
      disabled: disabledModels().length > 0,
      busy: runningHere().length > 0,
    });

  return {
    id: conversationId,
    entry,
    doc,
    status,
    preview,
    readOnly: opened.readOnly,
    settings,
    maxModels,
    models,
    setModels,
    catalog,
    generations,
    disabledModels,
    canAttachImages,
    canAttachFiles,
    chatTools,
    setChatTool: (id: string, on: boolean) => setToolChoice((c) => ({ ...c, [id]: on })),
    runningHere,
    send,
    regenerate: (id) => onWritable((w) => actions.regenerate(w, id)),
    retry: (id) => onWritable((w) => actions.rerun(w, id, false)),
    continueAnswer: (id) => onWritable((w) => actions.rerun(w, id, true)),
    keepLiveText: (id) => onWritable((w) => actions.keepLiveText(w, id, generations.liveElsewhere(id))),
    edit: (id, text) => onWritable((w) => actions.edit(w, id, text, models())),
    merge: (parentId, model, answerIds) => onWritable((w) => actions.merge(w, parentId, model, answerIds)),
    select: (id) => onWritable((w) => actions.select(w, id)),
    stop: (id) => actions.stop(id),
    stopAll: () => {
      for (const id of runningHere()) actions.stop(id);
    },
  };
}
