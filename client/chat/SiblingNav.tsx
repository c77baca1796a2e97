import { Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';

/** `< 2/3 >`: moves between the alternatives of a message (regenerations, edits). */
export function SiblingNav(props: { index: number; total: number; onGo: (index: number) => void; prevLabel?: string; nextLabel?: string }) {
  const { t } = useI18n();
  return (
    <Show when={props.total > 1}>
      <div class="sibling-nav" role="group" aria-label={t('chat.versionOf', { n: props.index + 1, total: props.total })}>
        <button
          type="button"
          class="icon-button"
          aria-label={props.prevLabel ?? t('chat.previous')}
          disabled={props.index <= 0}
          onClick={() => props.onGo(props.index - 1)}
        >
          ‹
        </button>
        <span class="sibling-pos">
          {props.index + 1}/{props.total}
        </span>
        <button
          type="button"
          class="icon-button"
          aria-label={props.nextLabel ?? t('chat.next')}
          disabled={props.index >= props.total - 1}
          onClick={() => props.onGo(props.index + 1)}
        >
          ›
        </button>
      </div>
    </Show>
  );
}
