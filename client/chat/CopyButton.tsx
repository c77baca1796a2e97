import { createSignal } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { copyText } from '../components/copy.ts';

/** Copy with a short "Copied" confirmation (announced to screen readers). */
export function CopyButton(props: { text: string; label: string }) {
  const { t } = useI18n();
  const [state, setState] = createSignal<'idle' | 'copied' | 'failed'>('idle');
  let timer: ReturnType<typeof setTimeout> | undefined;
  const copy = async () => {
    setState((await copyText(props.text)) ? 'copied' : 'failed');
    clearTimeout(timer);
    timer = setTimeout(() => setState('idle'), 2000);
  };
  return (
    <button type="button" class="secondary small" aria-label={props.label} onClick={() => void copy()}>
      <span aria-live="polite">{state() === 'copied' ? t('chat.copied') : state() === 'failed' ? t('chat.copyFailed') : t('chat.copy')}</span>
    </button>
  );
}
