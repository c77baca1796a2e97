import { useI18n } from '../i18n/context.tsx';

/** One row of the Trash: restore, or delete forever after confirmation. */
export function TrashItem(props: { name: string; onRestore: () => void; onPurge: () => void }) {
  const { t } = useI18n();
  return (
    <li class="trash-item" aria-label={props.name}>
      <span>{props.name}</span>
      <button type="button" onClick={() => props.onRestore()}>
        {t('common.restore')}
      </button>
      <button
        type="button"
        class="danger"
        onClick={() => {
          if (confirm(t('data.purgeConfirm', { name: props.name }))) props.onPurge();
        }}
      >
        {t('data.purge')}
      </button>
    </li>
  );
}
