import type { Translate } from '../i18n/context.tsx';
import { formatBytes } from '../ollama/format.ts';
import type { ExportReport } from './preset-actions.ts';

/** What an export carried: the documents' text and its size (the file can grow large), and what it could not. */
export function exportMessage(t: Translate, locale: string, r: ExportReport): string {
  const head = r.documents > 0 ? t('models.transfer.exportedWithDocuments', { n: r.documents, size: formatBytes(r.bytes, locale) }) : t('models.transfer.exported');
  return r.unavailable.length > 0 ? `${head} ${t('models.transfer.exportLeftOut', { names: r.unavailable.join(', ') })}` : head;
}
