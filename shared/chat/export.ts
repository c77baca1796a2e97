import type { ChatMessage, ConversationDoc } from '../schema/conversation.ts';
import { branchPath } from './tree.ts';
import { tokensPerSecond } from './stats.ts';
import { filesOf } from './attachments.ts';
import { storedOrNull, storedString } from '../schema/stored-string.ts';

/*
 * A conversation out of Atelier: Markdown (the visible branch, for reading and sharing) and
 * Open WebUI's chat export JSON (the whole tree, importable here and in Open WebUI).
 */

export interface MarkdownLabels {
  user: string;
  /** display name of a model reference */
  modelName: (ref: string | null) => string;
  thinking: string;
  images: (n: number) => string;
  /** the names of a message's attached files, as one line */
  files?: (list: string) => string;
  untitled: string;
}

export function conversationToMarkdown(doc: Pick<ConversationDoc, 'title' | 'messages' | 'currentId'>, labels: MarkdownLabels): string {
  const parts: string[] = [`# ${doc.title.trim() || labels.untitled}`];
  for (const m of branchPath(doc.messages, storedOrNull(doc.currentId))) {
    const role = storedString(m.role);
    if (role !== 'user' && role !== 'assistant') continue;
    parts.push(`### ${role === 'user' ? labels.user : labels.modelName(storedOrNull(m.model))}`);
    const thinking = storedString(m.thinking);
    const content = storedString(m.content);
    if (thinking.trim() !== '') {
      parts.push(`> **${labels.thinking}**\n>\n${thinking.trim().split('\n').map((l) => (l ? `> ${l}` : '>')).join('\n')}`);
    }
    if (content.trim() !== '') parts.push(content.trim());
    if (m.images.length > 0) parts.push(`_${labels.images(m.images.length)}_`);
    const files = filesOf(m);
    if (files.length > 0 && labels.files) parts.push(`_${labels.files(files.map((f) => f.name).join(', '))}_`);
  }
  return `${parts.join('\n\n')}\n`;
}

/** One message as Open WebUI stores it in `chat.history.messages`. */
export interface OwuiChatMessage {
  id: string;
  parentId: string | null;
  childrenIds: string[];
  role: string;
  content: string;
  /** seconds */
  timestamp: number;
  models?: string[];
  model?: string;
  modelName?: string;
  files?: Array<{ type: 'image'; url: string } | OwuiFile>;
  done?: boolean;
  error?: { content: string };
  info?: Record<string, number>;
}

/** An attached file as Open WebUI keeps it on a message (its file record, the extracted text in `data.content`). */
export interface OwuiFile {
  type: 'file';
  name: string;
  size: number;
  file: { filename: string; meta: { name: string; content_type: string; size: number }; data: { content: string } };
}

export interface OwuiChatExport {
  id: string;
  user_id: string;
  title: string;
  chat: {
    id: string;
    title: string;
    models: string[];
    params: Record<string, never>;
    history: { messages: Record<string, OwuiChatMessage>; currentId: string | null };
    messages: OwuiChatMessage[];
    tags: string[];
    /** milliseconds */
    timestamp: number;
    files: never[];
  };
  /** seconds */
  created_at: number;
  updated_at: number;
  pinned: boolean;
  archived: boolean;
  meta: Record<string, never>;
  folder_id: null;
  share_id: null;
}

export interface OwuiExportOptions {
  /** the model id Open WebUI knows: a preset's slug, or the Ollama model name */
  modelId: (ref: string | null) => string;
  modelName: (ref: string | null) => string;
  /** data URLs of a message's images */
  images: (m: ChatMessage) => string[];
  createdAt: number;
  updatedAt: number;
  pinned: boolean;
}

const secs = (ms: number) => Math.floor(ms / 1000);

/** Open WebUI keeps a reasoning model's thinking inside the content, in a `<details type="reasoning">` block. */
export function reasoningBlock(thinking: string): string {
  const quoted = thinking.trim().split('\n').map((l) => `> ${l}`).join('\n');
  return `<details type="reasoning" done="true">\n<summary>Thought</summary>\n${quoted}\n</details>\n`;
}

/** Every string plain (a document may hold either form): the JSON is the same whichever was stored. */
function toOwuiMessage(m: ChatMessage, o: OwuiExportOptions): OwuiChatMessage {
  const role = storedString(m.role);
  const status = storedString(m.status);
  const model = storedOrNull(m.model);
  const out: OwuiChatMessage = {
    id: storedString(m.id),
    parentId: storedOrNull(m.parentId),
    childrenIds: m.childrenIds.map(storedString),
    role,
    content: storedString(m.thinking).trim() !== '' ? reasoningBlock(storedString(m.thinking)) + storedString(m.content) : storedString(m.content),
    timestamp: secs(m.timestamp),
  };
  if (role === 'user') {
    out.models = (m.models ?? []).map((r) => o.modelId(storedString(r)));
    const files: NonNullable<OwuiChatMessage['files']> = o.images(m).map((url) => ({ type: 'image' as const, url }));
    for (const f of filesOf(m)) {
      const text = storedString(f.text);
      files.push({ type: 'file', name: f.name, size: f.size, file: { filename: f.name, meta: { name: f.name, content_type: f.type, size: f.size }, data: { content: text } } });
    }
    if (files.length > 0) out.files = files;
  }
  if (role === 'assistant') {
    out.model = o.modelId(model);
    out.modelName = o.modelName(model);
    out.done = status !== 'streaming';
    if (status === 'error') out.error = { content: m.error ?? 'error' };
    const info: Record<string, number> = { ...m.stats };
    const tps = tokensPerSecond(m.stats);
    if (tps !== null) info['response_token/s'] = tps;
    if (Object.keys(info).length > 0) out.info = info;
  }
  return out;
}

export function conversationToOpenWebUI(doc: ConversationDoc, o: OwuiExportOptions): OwuiChatExport[] {
  const messages: Record<string, OwuiChatMessage> = {};
  for (const m of Object.values(doc.messages)) {
    const out = toOwuiMessage(m, o);
    messages[out.id] = out;
  }
  const currentId = storedOrNull(doc.currentId);
  const branch = branchPath(doc.messages, currentId).map((m) => messages[storedString(m.id)]!);
  const models = doc.models.map((r) => o.modelId(storedString(r)));
  return [
    {
      id: doc.id,
      user_id: '',
      title: doc.title,
      chat: {
        id: doc.id,
        title: doc.title,
        models,
        params: {},
        history: { messages, currentId },
        messages: branch,
        tags: [],
        timestamp: o.createdAt,
        files: [],
      },
      created_at: secs(o.createdAt),
      updated_at: secs(o.updatedAt),
      pinned: o.pinned,
      archived: false,
      meta: {},
      folder_id: null,
      share_id: null,
    },
  ];
}

/** A file name from a title: letters, digits and dashes. */
export function exportFileName(title: string, ext: 'md' | 'json'): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `chat-${base || 'export'}.${ext}`;
}
