import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { formatBytes } from '../../ollama/format.ts';

/** Files attached to a message, as chips: name and size, and a remove button while composing. */
export function FileChips(props: { files: ReadonlyArray<{ name: string; size: number }>; onRemove?: (index: number) => void }) {
  const { t, locale } = useI18n();
  return (
    <ul class="file-chips" aria-label={t('chat.attachedFiles')}>
      <For each={props.files}>
        {(f, i) => (
          <li class="file-chip">
            <span aria-hidden="true">📄</span>
            <span class="file-name">{f.name}</span>
            <span class="file-size">{formatBytes(f.size, locale())}</span>
            <Show when={props.onRemove}>
              {(remove) => (
                <button type="button" class="chip-remove" aria-label={t('chat.removeFile', { name: f.name })} onClick={() => remove()(i())}>
                  ×
                </button>
              )}
            </Show>
          </li>
        )}
      </For>
    </ul>
  );
}
