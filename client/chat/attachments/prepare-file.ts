import { MAX_FILE_BYTES, MAX_FILE_CHARS } from '../../../shared/chat/attachments.ts';
import type { UnreadableCause } from '../../knowledge/extract.ts';

/*
 * A text file or PDF attached to a chat message, read on the device with the knowledge
 * extraction (pdf.js is loaded only when a PDF is attached). Only its text is kept.
 */

export interface PreparedFile {
  name: string;
  type: string;
  size: number;
  text: string;
}

export type PrepareFileResult =
  | { ok: true; file: PreparedFile }
  | { ok: false; error: 'unsupported' | 'too-large' | 'too-long' | 'empty' }
  | { ok: false; error: 'unreadable'; cause: UnreadableCause };

export async function prepareFile(file: File): Promise<PrepareFileResult> {
  const { extractText, kindOf } = await import('../../knowledge/extract.ts');
  if (!kindOf(file.name, file.type)) return { ok: false, error: 'unsupported' };
  if (file.size > MAX_FILE_BYTES) return { ok: false, error: 'too-large' };
  const r = await extractText(file);
  if (!r.ok) return r.reason === 'unreadable' ? { ok: false, error: 'unreadable', cause: r.cause } : { ok: false, error: r.reason };
  if (r.text.length > MAX_FILE_CHARS) return { ok: false, error: 'too-long' };
  return { ok: true, file: { name: file.name || 'file', type: r.type, size: file.size, text: r.text } };
}
