import type { DocumentId, Repo } from '@automerge/automerge-repo';
import {
  addConversationEntry,
  initialConversation,
  type ConversationDoc,
  type PlainMessage,
} from '../../../shared/schema/index.ts';
import { storedOrNull, storedString } from '../../../shared/schema/stored-string.ts';
import { addEditedTurn, addRegeneration, addTurn, inOtherColumn, selectBranch } from '../../../shared/chat/branch.ts';
import { answerPlaceholder, answerText, markInterrupted, restartAnswer, userMessage, writeAnswerText } from '../../../shared/chat/messages.ts';
import { addMerged, mergeable, mergedOffBranch } from '../../../shared/chat/merge.ts';
import { parentOf, usableStandIn } from '../../../shared/chat/tree.ts';
import { deriveTitle } from '../../../shared/chat/title.ts';
import { liveOverStored } from '../live-stream/codec.ts';
import type { LiveState } from '../live-stream/codec.ts';
import type { PreparedImage } from '../images.ts';
import type { PreparedFile } from '../attachments/prepare-file.ts';
import type { EntryBook, WorkspaceWriter } from './entry-book.ts';
import type { AnswerRunner, OpenConversation, StartAnswers } from './start-answers.ts';

/** 'disabled': a preset of the next turn is disabled (it is kept, but answers nowhere) */
export type SendResult = 'sent' | 'no-model' | 'not-ready' | 'empty' | 'busy' | 'disabled';

export interface ChatActionsDeps {
  repo: Repo;
  /** the workspace, where a new conversation gets its index entry (undefined while it opens) */
  workspace: () => WorkspaceWriter | undefined;
  entries: EntryBook;
  /** what the person typed goes to storage at once (flush-soon.ts) */
  flushSoon(id: DocumentId): void;
  startAnswers: StartAnswers;
  runner: AnswerRunner;
  newId(): string;
  now(): number;
  /** stores a picture in its blob document; its URL */
  storeImage(image: PreparedImage): string;
  /** the models of the last message sent (a new chat starts with them) */
  rememberModels(refs: readonly string[]): void;
  /** runs `fn` in a task of its own (setTimeout 0 in the app) */
  nextTask(fn: () => void): void;
  /** a new conversation was created: the page goes to it, just before its answers start */
  opened(id: string): void;
}

export interface SendInput {
  text: string;
  images: readonly PreparedImage[];
  files: readonly PreparedFile[];
  /** models that answer, already deduplicated and within the limit */
  models: readonly string[];
  /** a preset among `models` is disabled */
  disabled: boolean;
  /** an answer of this conversation is running in this tab */
  busy: boolean;
}

/**
 * `into`: the conversation written to, 'new' for a conversation created by this message, null
 * when the conversation cannot be written now (opening, read-only).
 */
export type SendTarget = OpenConversation | 'new' | null;

export interface ChatActions {
  send(into: SendTarget, input: SendInput): SendResult;
  /** A new answer by the same model next to `answerId` (a merged answer is merged again); the old one stays as a sibling. */
  regenerate(conv: OpenConversation, answerId: string): void;
  /** The answer starts over in place (`keepText` false: retry) or goes on from its text (true: continue). */
  rerun(conv: OpenConversation, answerId: string, keepText: boolean): void;
  /** An interrupted answer keeps the live text that reached this tab beyond its last checkpoint. */
  keepLiveText(conv: OpenConversation, answerId: string, live: Pick<LiveState, 'content' | 'thinking' | 'writer'> | undefined): void;
  /** The user message again with `text`, as a sibling turn answered by `models` (else by its own models). */
  edit(conv: OpenConversation, userId: string, text: string, models: readonly string[]): void;
  /** `model` combines the answers `answerIds` of the turn answering `parentId` (merge.ts) */
  merge(conv: OpenConversation, parentId: string, model: string, answerIds: readonly string[]): void;
  select(conv: OpenConversation, messageId: string): void;
  stop(answerId: string): void;
}

/**
 * The chat's message actions on a conversation document, Solid-free: every dependency is
 * passed in, every input explicit. Each action changes the document in one change, touches the
 * workspace index entry, sends what the person typed to storage at once, and starts the answers
 * it made. An action that does not apply (missing message, wrong role, already running) changes
 * nothing.
 */
export function makeChatActions(deps: ChatActionsDeps): ChatActions {
  const { repo, entries } = deps;

  const makeAnswers = (parentId: string, refs: readonly string[], now: number) =>
    refs.map((model) => answerPlaceholder({ id: deps.newId(), parentId, model, writer: deps.runner.writerId, now }));

  /** attached files (stored by addMessage with the text one Automerge value, not per-character text) */
  const storedFiles = (files: readonly { name: string; type: string; size: number; text: string }[]): PlainMessage['files'] =>
    files.map((f) => ({ name: f.name, type: f.type, size: f.size, text: f.text }));

  const sendNew = (input: SendInput, imageUrls: string[], now: number): SendResult => {
    const ws = deps.workspace();
    if (!ws) return 'not-ready';
    const refs = [...input.models];
    const id = deps.newId();
    const user = userMessage({ id: deps.newId(), parentId: null, content: input.text, images: imageUrls, models: refs, now });
    if (input.files.length > 0) user.files = storedFiles(input.files);
    const answers = makeAnswers(user.id, refs, now);
    const title = deriveTitle(input.text.trim() === '' ? (input.files[0]?.name ?? '') : input.text);
    const init = initialConversation(id, title, refs, now);
    addTurn(init, user, answers);
    init.titleSource = 'message';
    const handle = repo.create<ConversationDoc>(init);
    ws.change((d) => addConversationEntry(d, id, { url: handle.url, title, model: refs.at(-1) ?? '' }, now));
    deps.flushSoon(handle.documentId);
    // The new page renders in the next task: with thousands of conversations, creating the
    // document and the index entry (a change to a big workspace) and then rendering the page
    // made one task of 60–100 ms.
    deps.nextTask(() => {
      deps.opened(id);
      deps.startAnswers({ handle, id }, answers.map((a) => a.id), false);
    });
    return 'sent';
  };

  return {
    send(into, input) {
      const refs = [...input.models];
      if (refs.length === 0) return 'no-model';
      if (input.text.trim() === '' && input.images.length === 0 && input.files.length === 0) return 'empty';
      if (input.disabled) return 'disabled';
      if (input.busy) return 'busy';
      const now = deps.now();
      const imageUrls = input.images.map((img) => deps.storeImage(img));
      deps.rememberModels(refs);
      if (into === 'new') return sendNew(input, imageUrls, now);
      if (!into) return 'not-ready';
      const { handle, id } = into;
      const d = handle.doc();
      const currentId = storedOrNull(d.currentId);
      // a failed answer of a turn several models answered is not continued from: another model's that succeeded is
      const parentId = currentId === null ? null : usableStandIn(d.messages, currentId);
      const user = userMessage({ id: deps.newId(), parentId, content: input.text, images: imageUrls, models: refs, now });
      if (input.files.length > 0) user.files = storedFiles(input.files);
      const answers = makeAnswers(user.id, refs, now);
      // a conversation whose first message failed to get an answer may still lack a title
      // (counted on the plain document: on the change's proxy, one wasm call per message)
      const first = Object.keys(d.messages).length === 0;
      handle.change((x) => {
        addTurn(x, user, answers);
        if (first && !x.title) x.title = deriveTitle(input.text);
      });
      entries.touch(id, refs.at(-1), true);
      deps.flushSoon(handle.documentId);
      deps.startAnswers(into, answers.map((a) => a.id), false);
      return 'sent';
    },

    regenerate(conv, answerId) {
      const old = conv.handle.doc().messages[answerId];
      const parentId = old ? parentOf(old) : null;
      const model = old ? storedOrNull(old.model) : null;
      if (!old || parentId === null || model === null) return;
      if (deps.runner.isRunning(answerId)) deps.runner.stop(answerId);
      const [answer] = makeAnswers(parentId, [model], deps.now());
      if (!answer) return;
      // a merged answer is merged again, from the same answers
      if (old.mergeOf) answer.mergeOf = old.mergeOf.map(storedString);
      conv.handle.change((x) => {
        markInterrupted(x.messages[answerId], deps.now());
        if (answer.mergeOf) addMerged(x, answer);
        else addRegeneration(x, answer);
      });
      entries.markEdited(conv.id);
      deps.startAnswers(conv, [answer.id], false);
    },

    rerun(conv, answerId, keepText) {
      const m = conv.handle.doc().messages[answerId];
      if (!m || storedString(m.role) !== 'assistant' || deps.runner.isRunning(answerId)) return;
      const parentId = parentOf(m);
      const model = storedOrNull(m.model);
      conv.handle.change((x) => {
        restartAnswer(x.messages[answerId], { writer: deps.runner.writerId, now: deps.now(), keepText });
        // another model's column is redone in place: the branch and its later turns stay
        const current = storedOrNull(x.currentId);
        const stay = m.mergeOf ? mergedOffBranch(x.messages, current, answerId) : inOtherColumn(x.messages, current, parentId, model);
        if (!stay) selectBranch(x, answerId);
      });
      entries.markEdited(conv.id);
      deps.startAnswers(conv, [answerId], keepText);
    },

    keepLiveText(conv, answerId, live) {
      const m = conv.handle.doc().messages[answerId];
      const text = m && liveOverStored(live, { status: storedString(m.status), ...answerText(m), ...(m.writer !== undefined ? { writer: storedString(m.writer) } : {}) });
      if (!text) return;
      // the text only: `updatedAt` is the vanished writer's heartbeat and stays as it was
      conv.handle.change((x) => {
        const t = x.messages[answerId];
        if (t && storedString(t.status) === 'streaming') writeAnswerText(t, text);
      });
    },

    edit(conv, userId, text, models) {
      const original = conv.handle.doc().messages[userId];
      if (!original || storedString(original.role) !== 'user') return;
      const refs = models.length > 0 ? [...models] : (original.models ?? []).map(storedString);
      if (refs.length === 0) return;
      const now = deps.now();
      const user = userMessage({ id: deps.newId(), parentId: parentOf(original), content: text, images: [...original.images], models: refs, now });
      // the edited message keeps its files (the same stored text)
      if (original.files && original.files.length > 0) user.files = storedFiles(original.files.map((f) => ({ ...f, text: storedString(f.text) })));
      const answers = makeAnswers(user.id, refs, now);
      conv.handle.change((x) => addEditedTurn(x, userId, user, answers));
      entries.touch(conv.id, refs.at(-1), true);
      deps.flushSoon(conv.handle.documentId);
      deps.startAnswers(conv, answers.map((a) => a.id), false);
    },

    merge(conv, parentId, model, answerIds) {
      const d = conv.handle.doc();
      if (!d.messages[parentId]) return;
      const ids = answerIds.filter((id) => {
        const m = d.messages[id];
        return m !== undefined && parentOf(m) === parentId && mergeable(m);
      });
      if (ids.length < 2) return;
      const [answer] = makeAnswers(parentId, [model], deps.now());
      if (!answer) return;
      answer.mergeOf = ids;
      conv.handle.change((x) => addMerged(x, answer));
      entries.touch(conv.id, undefined, true);
      deps.flushSoon(conv.handle.documentId);
      deps.startAnswers(conv, [answer.id], false);
    },

    select(conv, messageId) {
      conv.handle.change((x) => selectBranch(x, messageId));
    },

    stop(answerId) {
      deps.runner.stop(answerId);
    },
  };
}
