import { createResource, createSignal, onMount, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { copyText } from '../components/copy.ts';

/**
 * A preset's Open WebUI JSON, the value Export writes (`json` resolves to that text), indented, in a
 * modal dialog: read-only, selectable, with Copy. Closing gives the focus back to the opener
 * (the dialog element does that by itself).
 */
export function JsonPreviewDialog(props: { name: string; json: () => Promise<string>; onClose: () => void }) {
  const { t } = useI18n();
  // laid out to read (Export writes it compact); the same JSON value
  const [text] = createResource(async () => JSON.stringify(JSON.parse(await props.json()), null, 2));
  const [copyState, setCopyState] = createSignal<'idle' | 'copied' | 'failed'>('idle');
  let dialog!: HTMLDialogElement;
  let close!: HTMLButtonElement;
  onMount(() => {
    dialog.showModal();
    close.focus();
  });
  return (
    <dialog ref={dialog} class="json-preview" aria-labelledby="json-preview-title" aria-describedby="json-preview-help" onClose={() => props.onClose()}>
      <h2 id="json-preview-title">{t('models.presetList.previewTitle', { name: props.name })}</h2>
      <p id="json-preview-help" class="help">
        {t('models.presetList.previewHelp')}
      </p>
      <Show
        when={text()}
        fallback={
          <p role="status">{text.error ? String(text.error) : t('models.presetList.previewLoading')}</p>
        }
      >
        {(json) => (
          <textarea class="json-text" readOnly spellcheck={false} aria-label={t('models.presetList.previewField', { name: props.name })} value={json()} rows={16} />
        )}
      </Show>
      <p role="status" aria-live="polite" class="live-message">
        {copyState() === 'copied' ? t('models.presetList.copied') : copyState() === 'failed' ? t('models.presetList.copyFailed') : ''}
      </p>
      <div class="dialog-actions">
        <button
          type="button"
          disabled={!text()}
          onClick={async () => {
            const json = text();
            if (json !== undefined) setCopyState((await copyText(json)) ? 'copied' : 'failed');
          }}
        >
          {t('models.presetList.copyJson')}
        </button>
        <button type="button" class="secondary" ref={close} onClick={() => dialog.close()}>
          {t('models.transfer.close')}
        </button>
      </div>
    </dialog>
  );
}
