import { createMemo, For, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { cardMatches, type SavedModelsView } from './list-view-cache.ts';

/**
 * The saved models list (list-view-cache.ts), shown while the live one loads: the same cards
 * without their actions, inert, filtered by the page's search.
 */
export function ModelsPreviewList(props: { view: SavedModelsView; query: string; tag: string }) {
  const { t } = useI18n();
  const shown = createMemo(() => props.view.cards.filter((c) => cardMatches(c, props.query, props.tag)));
  return (
    <Show when={shown().length > 0} fallback={<p>{t('models.noMatch')}</p>}>
      <ul class="preset-grid preset-preview" aria-label={t('models.list')} aria-busy="true" inert>
        <For each={shown()}>
          {(c) => (
            <li class="preset-card" aria-label={c.name}>
              <div class="preset-head">
                <span class="avatar avatar-fallback avatar-40" aria-hidden="true">
                  {(c.name.trim()[0] ?? '?').toUpperCase()}
                </span>
                <div class="preset-titles">
                  <strong class="preset-name">{c.name}</strong>
                  <span class="preset-id">{c.slug}</span>
                </div>
                <Show when={c.hidden}>
                  <span class="badge">{t('models.hiddenBadge')}</span>
                </Show>
              </div>
              <span class="preset-base">{c.baseModel}</span>
              <Show when={c.description}>
                <p class="preset-description">{c.description}</p>
              </Show>
              <Show when={c.tags.length > 0}>
                <ul class="tags" aria-label={t('models.tags')}>
                  <For each={c.tags}>{(tag) => <li class="tag">{tag}</li>}</For>
                </ul>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
