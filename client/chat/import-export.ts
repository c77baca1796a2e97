import type { Repo } from '@automerge/automerge-repo';
import { addConversationEntry, immutable, initialConversation, newId, storableMessage, type ConversationDoc, type WorkspaceDoc } from '../../shared/schema/index.ts';
import { parseOpenWebUIChats, type ChatSkip } from '../../shared/chat/import-openwebui.ts';
import { conversationToMarkdown, conversationToOpenWebUI, exportFileName } from '../../shared/chat/export.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import { blobDataUrl, dataUrlToBytes, saveBlob } from '../models/blobs.ts';
import { downloadText } from '../models/download.ts';
import type { ModelCatalog } from './model-catalog.ts';
import type { Translate } from '../i18n/context.tsx';

/*
 * A conversation out (Markdown, Open WebUI JSON) and Open WebUI chats in. Imported chats get
 * new ids (importing the same file twice gives two copies, never a clash with what exists),
 * their pictures go to blob documents, and each one is written in a single change.
 */

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

export type ImportOutcome =
  | { ok: true; imported: number; skipped: ChatSkip[] }
  | { ok: false; error: 'too-large' | 'not-json' | 'wrong-shape'; size?: number };

export async function importChatsFile(
  file: File,
  repo: Repo,
  workspace: DocStore<WorkspaceDoc>,
  catalog: ModelCatalog,
): Promise<ImportOutcome> {
  if (file.size > MAX_IMPORT_BYTES) return { ok: false, error: 'too-large', size: file.size };
  let raw: unknown;
  try {
    raw = JSON.parse(await file.text());
  } catch {
    return { ok: false, error: 'not-json' };
  }
  const parsed = parseOpenWebUIChats(raw, { resolveModel: (id) => catalog.refForId(id), now: Date.now() });
  if (!parsed.ok) return { ok: false, error: parsed.error };
  for (const chat of parsed.chats) {
    const id = newId();
    const doc = initialConversation(id, chat.title, chat.models, chat.createdAt);
    for (const [msgId, urls] of Object.entries(chat.images)) {
      const m = chat.messages[msgId];
      if (!m) continue;
      for (const url of urls) {
        const bytes = dataUrlToBytes(url);
        if (bytes) m.images.push(saveBlob(repo, bytes.mime, bytes.data));
      }
    }
    // stored form (schema 3): short fields and text one value each
    for (const [msgId, m] of Object.entries(chat.messages)) doc.messages[msgId] = storableMessage(m);
    doc.currentId = chat.currentId === null ? null : immutable(chat.currentId);
    doc.titleSource = 'user';
    let models = chat.models;
    if (models.length === 0) {
      const last = Object.values(chat.messages)
        .filter((m) => m.role === 'assistant' && m.model)
        .sort((a, b) => a.timestamp - b.timestamp)
        .at(-1)?.model;
      if (last) {
        models = [last];
        doc.models = [immutable(last)];
      }
    }
    const handle = repo.create<ConversationDoc>(doc);
    workspace.change((d) => {
      addConversationEntry(d, id, { url: handle.url, title: chat.title, model: models.at(-1) ?? '' }, chat.createdAt);
      const e = d.conversations[id]!;
      e.updatedAt = chat.updatedAt;
      e.pinned = chat.pinned;
    });
  }
  return { ok: true, imported: parsed.chats.length, skipped: parsed.skipped };
}

export function exportMarkdown(doc: ConversationDoc, catalog: ModelCatalog, t: Translate): void {
  const text = conversationToMarkdown(doc, {
    user: t('chat.you'),
    modelName: (ref) => catalog.info(ref)?.name ?? ref ?? '',
    thinking: t('chat.thoughts'),
    images: (n) => t('chat.mdImages', { n }),
    files: (list) => t('chat.mdFiles', { list }),
    untitled: t('chat.untitled'),
  });
  downloadText(exportFileName(doc.title || t('chat.untitled'), 'md'), text, 'text/markdown');
}

export async function exportJson(repo: Repo, doc: ConversationDoc, catalog: ModelCatalog, times: { createdAt: number; updatedAt: number; pinned: boolean }): Promise<void> {
  const images = new Map<string, string>();
  for (const m of Object.values(doc.messages)) {
    for (const url of m.images) {
      const data = await blobDataUrl(repo, url);
      if (data) images.set(url, data);
    }
  }
  const out = conversationToOpenWebUI(doc, {
    modelId: (ref) => catalog.info(ref)?.modelId ?? ref ?? '',
    modelName: (ref) => catalog.info(ref)?.name ?? ref ?? '',
    images: (m) => m.images.map((u) => images.get(u)).filter((x): x is string => x !== undefined),
    ...times,
  });
  downloadText(exportFileName(doc.title || 'chat', 'json'), JSON.stringify(out, null, 2));
}
