import { onMount } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';

/**
 * A share link the clipboard would not take (no clipboard on a plain-http LAN page, or the
 * browser refused): said plainly, and shown in a read-only field, already selected, to copy by hand.
 */
export function LinkDialog(props: {
  link: string;
  note: string | null;
  onClose: () => void;
  /** other wording than the share link's (e.g. a chat link) */
  strings?: { title: string; notCopied: string; field: string };
}) {
  const { t } = useI18n();
  let dialog!: HTMLDialogElement;
  let field!: HTMLInputElement;
  onMount(() => {
    dialog.showModal();
    field.focus();
    field.select();
  });
  return (
    <dialog ref={dialog} class="link-dialog" aria-labelledby="link-dialog-title" onClose={() => props.onClose()}>
      <h2 id="link-dialog-title">{props.strings?.title ?? t('models.transfer.linkDialogTitle')}</h2>
      <p role="alert">{props.strings?.notCopied ?? t('models.transfer.linkNotCopied')}</p>
      {props.note && <p>{props.note}</p>}
      <label class="field">
        <span>{props.strings?.field ?? t('models.transfer.linkField')}</span>
        <input ref={field} type="text" readOnly value={props.link} onFocus={(e) => e.currentTarget.select()} />
      </label>
      <button type="button" onClick={() => dialog.close()}>
        {t('models.transfer.close')}
      </button>
    </dialog>
  );
}
