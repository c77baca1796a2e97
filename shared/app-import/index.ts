import { parseOpenWebUIImport, DEFAULT_IMPORT_MAX_BYTES, utf8Length } from '../openwebui/import.ts';
import type { ImportResult } from '../openwebui/types.ts';
import type { AppImportOptions } from './common.ts';
import { isJanAssistant, parseJan } from './jan.ts';
import { isLobeChatAgent, isLobeChatExport, parseLobeChat } from './lobechat.ts';
import { nextChatMasks, parseNextChat } from './nextchat.ts';

export type { AppImportOptions } from './common.ts';

/** Which app a file comes from, as recognised by its shape. */
export type ImportSource = 'openwebui' | 'lobechat' | 'nextchat' | 'jan';

/**
 * Any presets file the import panel accepts: Open WebUI's (and ours), a LobeChat agent, NextChat
 * masks, a Jan assistant. The shape decides; a file none of them recognises gets Open WebUI's
 * answer (not JSON, wrong shape). Never throws.
 */
export function parsePresetsFile(text: string, opts: AppImportOptions & { maxBytes?: number }): ImportResult & { source?: ImportSource } {
  const maxBytes = opts.maxBytes ?? DEFAULT_IMPORT_MAX_BYTES;
  if (text.length <= maxBytes && utf8Length(text) <= maxBytes) {
    let data: unknown = undefined;
    try {
      data = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      // not JSON: Open WebUI's reader says so
    }
    if (isLobeChatAgent(data) || isLobeChatExport(data)) return { ...parseLobeChat(data, opts), source: 'lobechat' };
    const masks = nextChatMasks(data);
    if (masks) return { ...parseNextChat(masks, opts), source: 'nextchat' };
    if (isJanAssistant(data)) return { ...parseJan(data, opts), source: 'jan' };
  }
  return { ...parseOpenWebUIImport(text, { maxBytes }), source: 'openwebui' };
}
