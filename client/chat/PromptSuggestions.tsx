import { For, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import type { Chat } from './create-chat.ts';

/** A new blank chat: the selected preset's prompt suggestions; a click sends one. */
export function PromptSuggestions(props: { chat: Chat; onPick: (prompt: string) => void }) {
  const { t } = useI18n();
  const first = () => props.chat.catalog.info(props.chat.models()[0]);
  const suggestions = () => first()?.suggestions.filter((s) => s.prompt.trim() !== '' || s.title.trim() !== '') ?? [];
  return (
    <div class="chat-empty">
      <h2>{first()?.name ?? t('chat.emptyTitle')}</h2>
      <Show when={suggestions().length > 0} fallback={<p class="help">{props.chat.models().length === 0 ? t('chat.emptyHelp') : t('chat.emptyTitle')}</p>}>
        <ul class="suggestions" aria-label={t('chat.suggestions')}>
          <For each={suggestions()}>
            {(s) => (
              <li>
                <button type="button" class="suggestion secondary" onClick={() => props.onPick(s.prompt.trim() || s.title)}>
                  <strong>{s.title || s.prompt}</strong>
                  <Show when={s.subtitle}>
                    <span class="help">{s.subtitle}</span>
                  </Show>
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
