import { For, onMount } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import type { SavedView } from './view-cache.ts';

/**
 * What the message list last showed of a conversation, while its document opens: inert (the
 * buttons in it do nothing, nothing can be focused), at the bottom like the live list, which
 * replaces it as soon as the document is loaded. The HTML is sanitised by the caller.
 */
export function MessagePreview(props: { view: SavedView }) {
  const { t } = useI18n();
  let scroller: HTMLDivElement | undefined;
  onMount(() => {
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  });
  return (
    <div class="message-scroll message-preview" ref={scroller} role="log" aria-label={t('chat.messages')} aria-busy="true" inert>
      <p class="visually-hidden" role="status">
        {t('chat.opening')}
      </p>
      <div class="message-canvas">
        {/* each entry is one saved `.turn`, sanitised (markdown/render.ts sanitizeView) */}
        <For each={props.view.turns}>{(html) => <div innerHTML={html} />}</For>
      </div>
    </div>
  );
}
