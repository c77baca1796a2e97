import { createEffect, createMemo, createSignal, on, type Accessor } from 'solid-js';
import { useNavigate } from '@solidjs/router';
import { isValidAutomergeUrl, parseAutomergeUrl, type DocHandle } from '@automerge/automerge-repo';
import {
  addConversationEntry,
  DEFAULT_WORKSPACE_SETTINGS,
  entryState,
  initialConversation,
  markKept,
  newId,
  setEntryModel,
  setEntryTitle,
  type ConversationDoc,
  type ConversationEntry,
  type Plain,
  type WorkspaceSettings,
} from '../../shared/schema/index.ts';
import { addEditedTurn, addRegeneration, addTurn, inOtherColumn, selectBranch } from '../../shared/chat/branch.ts';
import { answerPlaceholder, markInterrupted, restartAnswer, userMessage, writeAnswerText } from '../../shared/chat/messages.ts';
import { liveOverStored } from './live-stream/codec.ts';
import { documentsSettings } from '../../shared/rag/settings.ts';
import { usableStandIn } from '../../shared/chat/tree.ts';
import { cleanProposedTitle, deriveTitle, titleRequestMessages } from '../../shared/chat/title.ts';
import { useWorkspace } from '../repo/workspace-context.tsx';
import { immutable, storedString } from '../../shared/schema/stored-string.ts';
import { capabilityOn } from '../../shared/presets/capabilities.ts';
import { useI18n } from '../i18n/context.tsx';
import { createConversationDoc } from './create-conversation-doc.ts';
import { createOllamaClient } from '../ollama/client.ts';
import { chatClientFor } from '../openai/chat-client.ts';
import { useGenerations, type Generations } from './generations.tsx';
import { createModelCatalog, type ModelCatalog } from './model-catalog.ts';
import { runAnswer, type AnswerOutcome } from './run-answer.ts';
import { storeImage, type PreparedImage } from './images.ts';
import { loadLastModels, saveLastModels } from './drafts.ts';
import { clampModels } from './limits.ts';
import { usePresets } from '../models/presets-context.tsx';
import { createAnswerHooks } from '../tools/answer-hooks.ts';
import { loadView, type SavedView } from './view-cache.ts';
import { loadRenderer } from './markdown/lazy.ts';
import { addMerged, mergeable, mergedOffBranch } from '../../shared/chat/merge.ts';
import type { MessageFile } from '../../shared/schema/conversation.ts';
import type { PreparedFile } from './attachments/prepare-file.ts';

/** Resolves once what was just rendered has been painted. */
const afterPaint = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/*
 * The chat's state and actions for the conversation in the address bar (or a new one): which
 * models answer the next message, sending, regenerating, retrying, continuing, editing,
 * branch selection and stopping. Answers run in the Generations registry, independent of the
 * UI; every change goes to the conversation document (and the workspace index).
 */

export type ChatStatus = 'new' | 'opening' | 'open' | 'missing';
/** 'disabled': a preset of the next turn is disabled (it is kept, but answers nowhere) */
export type SendResult = 'sent' | 'no-model' | 'not-ready' | 'empty' | 'busy' | 'disabled';


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
  const { repo, workspace, device, ollamaModels, openai, saves } = useWorkspace();
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
    const [view, renderer] = await Promise.all([loadView(id), loadRenderer().catch(() => null)]);
    // saved in another language, its buttons and labels would be in that language
    if (!view || !renderer || conversationId() !== id || view.locale !== locale()) return;
    setSavedView({ ...view, turns: view.turns.map((html) => renderer.sanitizeView(html)) });
    await afterPaint();
  };
  const opened = createConversationDoc(repo, () => liveEntry()?.url, showSavedView);
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
        if (d.models.length !== clean.length || d.models.some((m, i) => m !== clean[i])) d.models = clean;
      });
    } else setNewChatModels(clean);
  };

  // Per chat, in memory: which of the presets' tools and filters are switched on or off here.
  // A new chat (or another conversation, or other models) starts again from the presets' defaults.
  const [toolChoice, setToolChoice] = createSignal<Record<string, boolean>>({});
  const chosenPresets = () => models().flatMap((ref) => (ref.startsWith('preset:') ? [presets.byId(ref.slice('preset:'.length))?.doc()] : [])).filter((p) => p !== undefined);
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
  const chatTools = createMemo(() => {
    const out: Array<{ id: string; on: boolean }> = [];
    for (const p of chosenPresets()) {
      for (const id of [...Object.keys(p.toolIds), ...Object.keys(p.filterIds)]) {
        if (out.some((x) => x.id === id)) continue;
        out.push({ id, on: toolChoice()[id] ?? !p.chatOff?.[id] });
      }
    }
    return out;
  });
  const offInChat = () => new Set(chatTools().filter((x) => !x.on).map((x) => x.id));
  const disabledModels = createMemo(() =>
    models().filter((ref) => ref.startsWith('preset:') && presets.byId(ref.slice('preset:'.length))?.doc()?.disabled === true),
  );

  // the preset offers file upload (its capability; absent = on)
  const uploadOn = (ref: string) => capabilityOn(ref.startsWith('preset:') ? presets.byId(ref.slice('preset:'.length))?.doc() : undefined, 'file_upload');
  const canAttachFiles = createMemo(() => models().length > 0 && models().every(uploadOn));
  const canAttachImages = createMemo(() => canAttachFiles() && models().every((ref) => catalog.info(ref)?.vision === true));

  // from the few answers running in this tab, not by reading every message of the conversation
  const runningHere = createMemo(() => {
    const d = doc();
    if (!d) return [];
    return generations.runningIds().filter((id) => d.messages[id]?.status === 'streaming');
  });

  // The conversation this opening of it already marked as kept (see markKept): once per opening
  // with a change made here, not per message, so the workspace does not grow.
  let keptIn: string | undefined;
  const firstEditIn = (id: string): boolean => {
    if (keptIn === id) return false;
    keptIn = id;
    return true;
  };

  /** `kept`: this change is the opening's first edit of the conversation (see firstEditIn) */
  const touchEntry = (id: string, model: string | undefined, kept = false) => {
    const now = Date.now();
    workspace()?.change((d) => {
      const e = d.conversations[id];
      if (!e) return;
      e.updatedAt = now;
      if (model) setEntryModel(e, model);
      if (kept) markKept(e);
    });
  };
  /** for edits that do not touch the entry otherwise (a regenerated or retried answer) */
  const markEdited = (id: string) => {
    if (firstEditIn(id)) workspace()?.change((d) => markKept(d.conversations[id]));
  };

  /** Ask the model for a title after the first answer, when the workspace wants it and the person did not type one. */
  const proposeTitle = async (handle: DocHandle<ConversationDoc>, convId: string, answerId: string) => {
    if (!settings().autoTitle) return;
    const d = handle.doc();
    const answer = d.messages[answerId];
    const user = answer?.parentId ? d.messages[answer.parentId] : undefined;
    if (!answer || !user || user.parentId !== null || d.titleSource === 'user' || d.titleSource === 'model') return;
    const info = catalog.info(answer.model);
    if (!info?.ollamaModel) return;
    try {
      const client = chatClientFor(openai, answer.model, info.target, createOllamaClient(device.settings.ollamaEndpoint));
      const res = await client.chatOnce({ model: info.ollamaModel, messages: titleRequestMessages(storedString(user.content), storedString(answer.content)) });
      const title = cleanProposedTitle(res.message?.content ?? '');
      if (!title) return;
      let applied = false;
      handle.change((x) => {
        if (x.titleSource === 'user') return;
        x.title = title;
        x.titleSource = 'model';
        applied = true;
      });
      if (applied) {
        workspace()?.change((w) => {
          const e = w.conversations[convId];
          if (e) setEntryTitle(e, title);
        });
      }
    } catch {
      // a proposed title is a nicety: the derived one stays
    }
  };

  const startAnswers = (handle: DocHandle<ConversationDoc>, convId: string, ids: string[], continuing: boolean) => {
    const client = createOllamaClient(device.settings.ollamaEndpoint);
    for (const id of ids) {
      const ref = handle.doc().messages[id]?.model ?? null;
      const info = catalog.info(ref);
      const preset = ref?.startsWith('preset:') ? presets.byId(ref.slice('preset:'.length))?.doc() : undefined;
      // a merge only combines the answers: no retrieval, tools or filters of its own
      const merging = handle.doc().messages[id]?.mergeOf !== undefined;
      const hooks = preset && !merging
        ? createAnswerHooks({ repo, client, preset, workspace: workspace()?.doc, knownModels: ollamaModels.models(), handle, answerId: id, off: offInChat() })
        : undefined;
      void generations.start(id, async (ctl) => {
        // Marked running at once (no "interrupted" flash), but the request is built and sent in
        // a task of its own: sending a message also creates, stores and navigates, and all of
        // it in one task is a long one.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const outcome: AnswerOutcome = await runAnswer(
          {
            repo,
            handle,
            answerId: id,
            client: chatClientFor(openai, ref, info?.target, client),
            target: info?.target ?? null,
            ollamaModel: info?.ollamaModel || info?.name || ref || '',
            ownThread: settings().ownThread,
            vision: info?.vision === true,
            ragTemplate: documentsSettings(workspace()?.doc.settings).template,
            continuing,
            variables: { userName: storedString(settings().userName ?? ''), language: locale() },
            hooks,
            onSaveError: saves.report,
          },
          ctl,
        );
        touchEntry(convId, ref ?? undefined);
        if (outcome === 'done') await proposeTitle(handle, convId, id);
      }, handle.documentId);
    }
  };

  const writable = () => {
    const s = store();
    const id = conversationId();
    return s && id && !opened.readOnly() ? { handle: s.handle, id } : null;
  };

  /**
   * What the person typed goes to storage at once (not after the save debounce): it must never
   * be lost. "At once" is the next task: encoding and storing is then not part of the task that
   * creates the conversation and renders it (a page closing before it is covered by the repo's
   * journal, client/repo/journaled-storage.ts).
   */
  const persist = (handle: DocHandle<ConversationDoc>) => {
    const ids = [handle.documentId];
    const ws = workspace();
    if (ws) ids.push(ws.handle.documentId);
    setTimeout(() => void repo.flush(ids).catch(saves.report), 0);
  };

  const makeAnswers = (parentId: string, refs: string[], now: number) =>
    refs.map((model) => answerPlaceholder({ id: newId(), parentId, model, writer: generations.writerId, now }));

  /** attached files as stored: the text one Automerge value (not per-character text) */
  const storedFiles = (files: readonly PreparedFile[]): MessageFile[] =>
    files.map((f) => ({ name: f.name, type: f.type, size: f.size, text: immutable(f.text) }));

  const send = (text: string, images: readonly PreparedImage[], files: readonly PreparedFile[] = []): SendResult => {
    const refs = models();
    if (refs.length === 0) return 'no-model';
    if (text.trim() === '' && images.length === 0 && files.length === 0) return 'empty';
    if (disabledModels().length > 0) return 'disabled';
    if (runningHere().length > 0) return 'busy';
    const now = Date.now();
    const imageUrls = images.map((img) => storeImage(repo, img));
    saveLastModels(refs);

    if (status() === 'new') {
      const ws = workspace();
      if (!ws) return 'not-ready';
      const id = newId();
      const user = userMessage({ id: newId(), parentId: null, content: text, images: imageUrls, models: refs, now });
      if (files.length > 0) user.files = storedFiles(files);
      const answers = makeAnswers(user.id, refs, now);
      const title = deriveTitle(text.trim() === '' ? (files[0]?.name ?? '') : text);
      const init = initialConversation(id, title, refs, now);
      addTurn(init, user, answers);
      init.titleSource = 'message';
      const handle = repo.create<ConversationDoc>(init);
      ws.change((d) => addConversationEntry(d, id, { url: handle.url, title, model: refs.at(-1) ?? '' }, now));
      persist(handle);
      // The new page renders in the next task: with thousands of conversations, creating the
      // document and the index entry (a change to a big workspace) and then rendering the page
      // made one task of 60–100 ms.
      setTimeout(() => {
        navigate(`/chat/${id}`);
        startAnswers(handle, id, answers.map((a) => a.id), false);
      }, 0);
      return 'sent';
    }

    const w = writable();
    const d = doc();
    if (!w || !d) return 'not-ready';
    // a failed answer of a turn several models answered is not continued from: another model's that succeeded is
    const parentId = d.currentId === null ? null : usableStandIn(d.messages, d.currentId);
    const user = userMessage({ id: newId(), parentId, content: text, images: imageUrls, models: refs, now });
    if (files.length > 0) user.files = storedFiles(files);
    const answers = makeAnswers(user.id, refs, now);
    // a conversation whose first message failed to get an answer may still lack a title
    // (counted on the plain document: on the change's proxy, one wasm call per message)
    const first = Object.keys(w.handle.doc().messages).length === 0;
    w.handle.change((x) => {
      addTurn(x, user, answers);
      if (first && !x.title) x.title = deriveTitle(text);
    });
    touchEntry(w.id, refs.at(-1), firstEditIn(w.id));
    persist(w.handle);
    startAnswers(w.handle, w.id, answers.map((a) => a.id), false);
    return 'sent';
  };

  const regenerate = (answerId: string) => {
    const w = writable();
    const old = doc()?.messages[answerId];
    if (!w || !old || old.parentId === null || old.model === null) return;
    if (generations.isRunning(answerId)) generations.stop(answerId);
    const [answer] = makeAnswers(old.parentId, [old.model], Date.now());
    // a merged answer is merged again, from the same answers
    if (old.mergeOf) answer!.mergeOf = [...old.mergeOf];
    w.handle.change((x) => {
      markInterrupted(x.messages[answerId], Date.now());
      if (answer!.mergeOf) addMerged(x, answer!);
      else addRegeneration(x, answer!);
    });
    markEdited(w.id);
    startAnswers(w.handle, w.id, [answer!.id], false);
  };

  const rerun = (answerId: string, keepText: boolean) => {
    const w = writable();
    const m = doc()?.messages[answerId];
    if (!w || !m || m.role !== 'assistant' || generations.isRunning(answerId)) return;
    w.handle.change((x) => {
      restartAnswer(x.messages[answerId], { writer: generations.writerId, now: Date.now(), keepText });
      // another model's column is redone in place: the branch and its later turns stay
      const stay = m.mergeOf ? mergedOffBranch(x.messages, x.currentId, answerId) : inOtherColumn(x.messages, x.currentId, m.parentId, m.model);
      if (!stay) selectBranch(x, answerId);
    });
    markEdited(w.id);
    startAnswers(w.handle, w.id, [answerId], keepText);
  };

  const keepLiveText = (answerId: string) => {
    const w = writable();
    const m = doc()?.messages[answerId];
    const text = m && liveOverStored(generations.liveElsewhere(answerId), m);
    if (!w || !text) return;
    // the text only: `updatedAt` is the vanished writer's heartbeat and stays as it was
    w.handle.change((x) => {
      const t = x.messages[answerId];
      if (t?.status === 'streaming') writeAnswerText(t, text);
    });
  };

  const edit = (userId: string, text: string) => {
    const w = writable();
    const original = doc()?.messages[userId];
    if (!w || !original || original.role !== 'user') return;
    const refs = models().length > 0 ? models() : (original.models ?? []);
    if (refs.length === 0) return;
    const now = Date.now();
    const user = userMessage({ id: newId(), parentId: original.parentId, content: text, images: [...original.images], models: refs, now });
    // the edited message keeps its files (the same stored text)
    if (original.files && original.files.length > 0) user.files = original.files.map((f) => ({ name: f.name, type: f.type, size: f.size, text: immutable(f.text) }));
    const answers = makeAnswers(user.id, refs, now);
    w.handle.change((x) => addEditedTurn(x, userId, user, answers));
    touchEntry(w.id, refs.at(-1), firstEditIn(w.id));
    persist(w.handle);
    startAnswers(w.handle, w.id, answers.map((a) => a.id), false);
  };

  const merge = (parentId: string, model: string, answerIds: readonly string[]) => {
    const w = writable();
    const d = doc();
    if (!w || !d || !d.messages[parentId]) return;
    const ids = answerIds.filter((id) => d.messages[id]?.parentId === parentId && mergeable(d.messages[id]));
    if (ids.length < 2) return;
    const [answer] = makeAnswers(parentId, [model], Date.now());
    answer!.mergeOf = ids;
    w.handle.change((x) => addMerged(x, answer!));
    touchEntry(w.id, undefined, firstEditIn(w.id));
    persist(w.handle);
    startAnswers(w.handle, w.id, [answer!.id], false);
  };

  const select = (messageId: string) => {
    const w = writable();
    if (w) w.handle.change((x) => selectBranch(x, messageId));
  };

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
    regenerate,
    retry: (id) => rerun(id, false),
    continueAnswer: (id) => rerun(id, true),
    keepLiveText,
    edit,
    merge,
    select,
    stop: (id) => generations.stop(id),
    stopAll: () => {
      for (const id of runningHere()) generations.stop(id);
    },
  };
}
