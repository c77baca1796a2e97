import * as v from 'valibot';
import { makePersisted, validItems } from '../device/persisted.ts';

/*
 * Unsent text per conversation, on this device only (a draft is not worth syncing, and it
 * must survive a reload or a crash): localStorage, written on every input. A draft that cannot
 * be stored stays in the composer and the person is told (device/storage-problems.ts).
 */

const PREFIX = 'atelier.chat.draft:';
const NEW = 'new';

const draft = (conversationId: string | undefined) =>
  makePersisted<string>({ key: PREFIX + (conversationId ?? NEW), what: 'drafts', schema: v.string(), fallback: () => '', text: true });

export function loadDraft(conversationId: string | undefined): string {
  return draft(conversationId).read();
}

export function saveDraft(conversationId: string | undefined, text: string): void {
  const d = draft(conversationId);
  if (text === '') d.remove();
  else d.write(text);
}

const ModelRef = v.pipe(v.string(), v.regex(/^(preset|ollama):./));

/** The models last used on this device: a new chat starts with them (those still of a known kind). */
const lastModels = makePersisted<string[]>({
  key: 'atelier.chat.lastModels',
  what: 'lastModels',
  schema: v.array(ModelRef),
  fallback: () => [],
  salvage: validItems(ModelRef),
});

export function loadLastModels(): string[] {
  return lastModels.read();
}

export function saveLastModels(models: readonly string[]): void {
  lastModels.write([...models]);
}
