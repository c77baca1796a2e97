import { For } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';

/**
 * Values a short field was given on another device at the same time (they lost to the value
 * shown). Each can be picked; picking writes it as a new change, which resolves the conflict on
 * every device.
 */
export function ConflictChoices(props: { values: string[]; kind: 'name' | 'title'; onPick: (value: string) => void }) {
  const { t } = useI18n();
  return (
    <For each={props.values}>
      {(value) => (
        <p class="help conflict" role="status">
          {props.kind === 'name' ? t('models.conflictName', { value }) : t('models.conflictTitle', { value })}{' '}
          <button type="button" class="secondary small" onClick={() => props.onPick(value)}>
            {t('models.conflictUse', { value })}
          </button>
        </p>
      )}
    </For>
  );
}
