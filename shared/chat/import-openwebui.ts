import type { MessageStatus, PlainMessage } from '../schema/conversation.ts';
import { deepestLeaf } from './tree.ts';
import { deriveTitle } from './title.ts';

type ChatMessage = PlainMessage;
type MessageFile = NonNullable<PlainMessage['files']>[number];

/*
 * Open WebUI chat exports (Settings › Chats › Export, or a chat's "Export chat (.json)") into
 * conversation content. Accepted shapes: a list of exported chats, one exported chat, or the
 * inner `chat` object (with `history`, or only a `messages` list as very old exports have).
 * Untrusted input: bad chats are skipped with a reason, bad messages are dropped, broken
 * links in the tree are repaired; nothing here throws.
 */

export interface ImportedChat {
  title: string;
  createdAt: number;
  updatedAt: number;
  pinned: boolean;
  /**
   * message tree, plain strings (written into a document through `storableMessage`); `images`
   * are empty: the pictures are in `images` below, to be stored as blob documents
   */
  messages: Record<string, ChatMessage>;
  /** message id → data URLs of its pictures */
  images: Record<string, string[]>;
  currentId: string | null;
  models: string[];
}

export type ChatSkipReason = 'not-a-chat' | 'no-messages';
export interface ChatSkip {
  index: number;
  title: string;
  reason: ChatSkipReason;
}

export type ChatImportResult = { ok: true; chats: ImportedChat[]; skipped: ChatSkip[] } | { ok: false; error: 'wrong-shape' };

export interface ChatImportOptions {
  /** model reference for an Open WebUI model id (a preset slug or an Ollama model name) */
  resolveModel: (id: string) => string;
  now: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Open WebUI mixes seconds (messages, chats) and milliseconds (chat.timestamp); some builds use nanoseconds. */
export function toMillis(v: unknown, fallback: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return fallback;
  let n = v;
  while (n > 1e14) n /= 1000;
  return Math.round(n < 1e11 ? n * 1000 : n);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (isObj(p) && p.type === 'text' && typeof p.text === 'string' ? p.text : ''))
      .filter(Boolean)
      .join('\n');
  }
  return '';
}

const REASONING = /^\s*<details type="reasoning"[^>]*>\s*(?:<summary>[\s\S]*?<\/summary>)?([\s\S]*?)<\/details>\s*/;

/** Open WebUI puts a reasoning model's thinking at the start of the content; take it out. */
export function splitReasoning(content: string): { thinking: string; content: string } {
  const m = REASONING.exec(content);
  if (!m) return { thinking: '', content };
  const thinking = (m[1] ?? '')
    .trim()
    .split('\n')
    .map((l) => l.replace(/^>\s?/, ''))
    .join('\n')
    .trim();
  return { thinking, content: content.slice(m[0].length) };
}

function imagesOf(m: Obj): string[] {
  const out: string[] = [];
  for (const f of Array.isArray(m.files) ? m.files : []) {
    if (!isObj(f)) continue;
    const url = str(f.url);
    if (url && (f.type === 'image' || url.startsWith('data:image/')) && url.startsWith('data:image/')) out.push(url);
  }
  for (const img of strList(m.images)) if (img.startsWith('data:image/')) out.push(img);
  return out;
}

/** Attached files that carry their text (Open WebUI's file record: `file.data.content`). */
function attachedFilesOf(m: Obj): MessageFile[] {
  const out: MessageFile[] = [];
  for (const f of Array.isArray(m.files) ? m.files : []) {
    if (!isObj(f) || f.type !== 'file' || !isObj(f.file) || !isObj(f.file.data)) continue;
    const text = str(f.file.data.content);
    if (text === null || text === '') continue;
    const meta = isObj(f.file.meta) ? f.file.meta : {};
    const name = str(f.name) ?? str(meta.name) ?? str(f.file.filename) ?? 'file';
    const size = typeof f.size === 'number' && Number.isFinite(f.size) ? f.size : typeof meta.size === 'number' ? meta.size : text.length;
    out.push({ name, type: str(meta.content_type) ?? 'text/plain', size, text });
  }
  return out;
}

function messageOf(key: string, raw: unknown, o: ChatImportOptions, fallbackTime: number): { msg: ChatMessage; images: string[] } | null {
  if (!isObj(raw)) return null;
  const id = str(raw.id) ?? key;
  const role = raw.role;
  if (!id || (role !== 'user' && role !== 'assistant' && role !== 'system')) return null;
  const split = role === 'assistant' ? splitReasoning(textOf(raw.content)) : { thinking: '', content: textOf(raw.content) };
  const errorText = isObj(raw.error) ? (str(raw.error.content) ?? 'error') : typeof raw.error === 'string' ? raw.error : null;
  let status: MessageStatus = 'done';
  if (errorText !== null) status = 'error';
  else if (role === 'assistant' && raw.done === false) status = 'interrupted';
  const modelId = str(raw.model);
  const msg: ChatMessage = {
    id,
    parentId: str(raw.parentId),
    childrenIds: strList(raw.childrenIds),
    role,
    content: split.content,
    model: role === 'assistant' && modelId ? o.resolveModel(modelId) : null,
    thinking: split.thinking,
    images: [],
    timestamp: toMillis(raw.timestamp, fallbackTime),
    status,
    error: errorText,
    stats: {},
  };
  if (role === 'user') {
    const models = strList(raw.models).map((m) => o.resolveModel(m));
    if (models.length > 0) msg.models = models;
    const files = attachedFilesOf(raw);
    if (files.length > 0) msg.files = files;
  }
  if (role === 'assistant' && isObj(raw.info)) {
    for (const k of ['eval_count', 'eval_duration', 'prompt_eval_count', 'prompt_eval_duration', 'total_duration', 'load_duration']) {
      const v = raw.info[k];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) msg.stats[k] = v;
    }
  }
  return { msg, images: role === 'user' ? imagesOf(raw) : [] };
}

/** Make parent and children links agree, and drop links to messages that are not there. */
function repairLinks(messages: Record<string, ChatMessage>): void {
  for (const m of Object.values(messages)) {
    if (m.parentId !== null && (!messages[m.parentId] || m.parentId === m.id)) m.parentId = null;
  }
  for (const m of Object.values(messages)) {
    m.childrenIds = [...new Set(m.childrenIds)].filter((c) => messages[c]?.parentId === m.id);
  }
  const byTime = Object.values(messages).sort((a, b) => a.timestamp - b.timestamp);
  for (const m of byTime) {
    const parent = m.parentId === null ? undefined : messages[m.parentId];
    if (parent && !parent.childrenIds.includes(m.id)) parent.childrenIds.push(m.id);
  }
}

function chatOf(el: unknown): { chat: Obj; outer: Obj } | null {
  if (!isObj(el)) return null;
  if (isObj(el.chat)) return { chat: el.chat, outer: el };
  if (isObj(el.history) || Array.isArray(el.messages)) return { chat: el, outer: el };
  return null;
}

function importOne(el: unknown, o: ChatImportOptions): ImportedChat | ChatSkipReason {
  const found = chatOf(el);
  if (!found) return 'not-a-chat';
  const { chat, outer } = found;
  const createdAt = toMillis(outer.created_at ?? chat.timestamp, o.now);
  const messages: Record<string, ChatMessage> = {};
  const images: Record<string, string[]> = {};
  const add = (key: string, raw: unknown, i: number) => {
    const r = messageOf(key, raw, o, createdAt + i);
    if (!r || messages[r.msg.id]) return;
    messages[r.msg.id] = r.msg;
    if (r.images.length > 0) images[r.msg.id] = r.images;
  };
  let currentId: string | null = null;
  if (isObj(chat.history) && isObj(chat.history.messages)) {
    Object.entries(chat.history.messages).forEach(([k, raw], i) => add(k, raw, i));
    currentId = str(chat.history.currentId);
  } else if (Array.isArray(chat.messages)) {
    // a flat list: chain it
    let parent: string | null = null;
    chat.messages.forEach((raw, i) => {
      if (!isObj(raw)) return;
      const id = str(raw.id) ?? `m${i}`;
      add(id, { ...raw, id, parentId: parent, childrenIds: [] }, i);
      if (messages[id]) parent = id;
    });
  }
  const list = Object.values(messages);
  if (list.length === 0) return 'no-messages';
  repairLinks(messages);
  if (currentId === null || !messages[currentId]) {
    const latest = [...list].sort((a, b) => a.timestamp - b.timestamp).at(-1)!;
    currentId = deepestLeaf(messages, latest.id);
  }
  const firstUser = list.filter((m) => m.role === 'user').sort((a, b) => a.timestamp - b.timestamp)[0];
  const title = (str(outer.title) ?? str(chat.title) ?? '').trim() || deriveTitle(firstUser?.content ?? '');
  const models = strList(chat.models).map((m) => o.resolveModel(m));
  const lastTime = Math.max(...list.map((m) => m.timestamp));
  return {
    title: title === 'New Chat' && firstUser ? deriveTitle(firstUser.content) || title : title,
    createdAt,
    updatedAt: toMillis(outer.updated_at, lastTime),
    pinned: outer.pinned === true,
    messages,
    images,
    currentId,
    models,
  };
}

export function parseOpenWebUIChats(raw: unknown, o: ChatImportOptions): ChatImportResult {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || (!Array.isArray(raw) && !chatOf(raw))) return { ok: false, error: 'wrong-shape' };
  const chats: ImportedChat[] = [];
  const skipped: ChatSkip[] = [];
  list.forEach((el, index) => {
    const r = importOne(el, o);
    if (typeof r === 'string') {
      const title = isObj(el) ? (str(el.title) ?? (isObj(el.chat) ? str(el.chat.title) : null) ?? '') : '';
      skipped.push({ index, title, reason: r });
    } else chats.push(r);
  });
  if (chats.length === 0 && skipped.every((s) => s.reason === 'not-a-chat')) return { ok: false, error: 'wrong-shape' };
  return { ok: true, chats, skipped };
}
