import type { MessageFile } from '../schema/conversation.ts';
import { storedString } from '../schema/stored-string.ts';

/*
 * Text files and PDFs attached to a user message. Their extracted text goes with that
 * message to every model that answers it (and in later turns, as part of the conversation),
 * the way Open WebUI sends a file's whole content in the message context.
 */

/** A file larger than this is refused before it is read. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Extracted text longer than this is refused: it would not fit a local model's context anyway. */
export const MAX_FILE_CHARS = 200_000;
export const MAX_FILES_PER_MESSAGE = 5;

/** The files of a message as stored (a synced document may hold anything: only well-formed ones). */
export function filesOf(m: { readonly files?: readonly MessageFile[] | unknown }): MessageFile[] {
  const list = m.files;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (f): f is MessageFile =>
      typeof f === 'object' && f !== null && typeof (f as MessageFile).name === 'string' && (typeof (f as MessageFile).text === 'string' || typeof (f as { text?: { val?: unknown } }).text?.val === 'string'),
  );
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The message text as the model gets it: each file's text in a `<file name="…">` block, then what the person wrote. */
export function withFiles(content: string, files: readonly MessageFile[]): string {
  if (files.length === 0) return content;
  const blocks = files.map((f) => `<file name="${attr(f.name)}">\n${storedString(f.text)}\n</file>`);
  return content.trim() === '' ? blocks.join('\n\n') : `${blocks.join('\n\n')}\n\n${content}`;
}
