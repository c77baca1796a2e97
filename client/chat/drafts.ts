/*
 * Unsent text per conversation, on this device only (a draft is not worth syncing, and it
 * must survive a reload or a crash): localStorage, written on every input.
 */

const PREFIX = 'atelier.chat.draft:';
const NEW = 'new';

export function loadDraft(conversationId: string | undefined): string {
  try {
    return localStorage.getItem(PREFIX + (conversationId ?? NEW)) ?? '';
  } catch {
    return '';
  }
}

export function saveDraft(conversationId: string | undefined, text: string): void {
  try {
    const key = PREFIX + (conversationId ?? NEW);
    if (text === '') localStorage.removeItem(key);
    else localStorage.setItem(key, text);
  } catch {
    // storage full or unavailable: the text stays in the composer
  }
}

const LAST_MODELS = 'atelier.chat.lastModels';

/** The models last used on this device: a new chat starts with them. */
export function loadLastModels(): string[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(LAST_MODELS) ?? '[]');
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string' && /^(preset|ollama):./.test(x)) : [];
  } catch {
    return [];
  }
}

export function saveLastModels(models: readonly string[]): void {
  try {
    localStorage.setItem(LAST_MODELS, JSON.stringify(models));
  } catch {
    // not important
  }
}
