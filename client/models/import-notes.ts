import type { Translate } from '../i18n/context.tsx';
import type { ImportNote } from '../../shared/openwebui/types.ts';

/** One line of the import summary for a note: what was left out of an item, or kept unused. */
export function noteText(t: Translate, n: ImportNote): string {
  switch (n.code) {
    case 'param-dropped':
      return n.error.code === 'param-unknown'
        ? t('models.transfer.note.param-unknown', { key: n.key })
        : t('models.transfer.note.param-dropped', { key: n.key });
    case 'slug-changed':
      return t('models.transfer.note.slug-changed', { from: n.from, to: n.to });
    case 'avatar-dropped':
      return t('models.transfer.note.avatar-dropped');
    case 'field-ignored':
      return t('models.transfer.note.field-ignored', { field: n.field });
    case 'suggestion-dropped':
      return t('models.transfer.note.suggestion-dropped', { n: n.index + 1 });
    case 'knowledge-dropped':
      return t('models.transfer.note.knowledge-dropped', { n: n.index + 1 });
    case 'field-kept':
      return t('models.transfer.note.field-kept', { field: n.field });
    case 'instruction-dropped':
      return t('models.transfer.note.instruction-dropped', { instruction: n.instruction, line: n.line });
    case 'modelfile-line-dropped':
      return t('models.transfer.note.modelfile-line-dropped', { line: n.line });
    case 'knowledge-external':
      return t('models.transfer.note.knowledge-external', { name: n.name });
    case 'app-field-dropped':
      return t('models.transfer.note.app-field-dropped', { field: n.field });
    case 'base-model-from-file':
      return t('models.transfer.note.base-model-from-file', { model: n.model });
    case 'base-model-chosen':
      return t('models.transfer.note.base-model-chosen', { model: n.model });
    case 'knowledge-left-out':
      return t(`models.transfer.note.knowledge-left-out.${n.reason}`, { name: n.name });
  }
}
