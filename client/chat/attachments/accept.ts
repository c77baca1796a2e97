import type { Translate } from '../../i18n/context.tsx';
import { MAX_FILE_BYTES, MAX_FILE_CHARS } from '../../../shared/chat/attachments.ts';
import type { PrepareFileResult } from './prepare-file.ts';

/** What the file picker offers besides pictures: the kinds the knowledge extraction reads. */
export const ACCEPTED_FILES = ['text/*', 'application/pdf', '.pdf', '.md', '.markdown', '.txt', '.csv', '.json', '.html', '.htm', '.xml', '.yaml', '.yml', '.log'];

/** Why a file was not attached, in the person's language. */
export function fileProblem(t: Translate, name: string, r: Extract<PrepareFileResult, { ok: false }>): string {
  switch (r.error) {
    case 'unsupported':
      return t('knowledge.unsupported', { name });
    case 'too-large':
      return t('chat.fileTooLarge', { name, max: MAX_FILE_BYTES / (1024 * 1024) });
    case 'too-long':
      return t('chat.fileTooLong', { name, max: MAX_FILE_CHARS.toLocaleString() });
    case 'empty':
      return t('knowledge.empty', { name });
    case 'unreadable':
      return t('knowledge.unreadable', { name, detail: t(`knowledge.unreadableWhy.${r.cause}`) });
  }
}
