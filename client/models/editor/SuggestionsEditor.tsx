import { For } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { newId, sortedSuggestions } from '../../../shared/schema/index.ts';
import type { PresetEditing } from '../editing.ts';
import { ConflictChoices } from './ConflictChoices.tsx';
import type { FieldConflicts } from './field-conflicts.ts';

/** Prompt suggestions: add, edit, reorder, remove. Order is a number per suggestion, so a move touches one. */
export function SuggestionsEditor(props: { editing: PresetEditing; conflicts?: FieldConflicts | undefined }) {
  const { t } = useI18n();
  const list = () => sortedSuggestions(props.editing.doc);
  const set = (id: string, field: 'subtitle' | 'prompt', value: string) =>
    props.editing.edit('suggestions', (d) => {
      const s = d.suggestions[id];
      if (s) s[field] = value;
    });
  const move = (index: number, delta: -1 | 1) => {
    const l = list();
    const target = index + delta;
    const me = l[index];
    const other = l[target];
    if (!me || !other) return;
    // Place just beyond the neighbour: halfway to the next one, or one step past the end.
    const beyond = l[target + delta];
    const order = beyond ? (other.order + beyond.order) / 2 : other.order + delta;
    props.editing.edit('suggestions', (d) => {
      const s = d.suggestions[me.id];
      if (s) s.order = order;
    });
  };
  return (
    <fieldset class="suggestions">
      <legend>{t('models.suggestions')}</legend>
      <p class="help">{t('models.suggestionsHelp')}</p>
      <ol>
        <For each={list()}>
          {(s, i) => (
            // the group is inside the list item: a list may only hold list items (role=group on the li broke the list)
            <li class="suggestion">
              <div role="group" aria-label={t('models.suggestionN', { n: i() + 1 })}>
                <label class="field">
                  <span>{t('models.suggestionTitle')}</span>
                  <input value={s.title} onInput={(e) => props.editing.setSuggestionTitle(s.id, e.currentTarget.value)} />
                </label>
                <ConflictChoices
                  values={props.conflicts?.suggestionTitle(s.id) ?? []}
                  kind="title"
                  onPick={(v) => props.editing.setSuggestionTitle(s.id, v)}
                />
                <label class="field">
                  <span>{t('models.suggestionSubtitle')}</span>
                  <input value={s.subtitle} onInput={(e) => set(s.id, 'subtitle', e.currentTarget.value)} />
                </label>
                <label class="field">
                  <span>{t('models.suggestionPrompt')}</span>
                  <textarea rows={2} value={s.prompt} onInput={(e) => set(s.id, 'prompt', e.currentTarget.value)} />
                </label>
                <div class="row-actions">
                  <button type="button" class="secondary small" disabled={i() === 0} aria-label={t('models.suggestionUp', { n: i() + 1 })} onClick={() => move(i(), -1)}>
                    ↑
                  </button>
                  <button
                    type="button"
                    class="secondary small"
                    disabled={i() === list().length - 1}
                    aria-label={t('models.suggestionDown', { n: i() + 1 })}
                    onClick={() => move(i(), 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    class="secondary small"
                    aria-label={t('models.suggestionRemove', { n: i() + 1 })}
                    onClick={() =>
                      props.editing.edit('suggestions', (d) => {
                        delete d.suggestions[s.id];
                      })
                    }
                  >
                    ×
                  </button>
                </div>
              </div>
            </li>
          )}
        </For>
      </ol>
      <button
        type="button"
        class="secondary"
        onClick={() => {
          const last = list().at(-1);
          props.editing.edit('suggestions', (d) => {
            d.suggestions[newId()] = { title: '', subtitle: '', prompt: '', order: (last?.order ?? 0) + 1 };
          });
        }}
      >
        {t('models.suggestionAdd')}
      </button>
    </fieldset>
  );
}
