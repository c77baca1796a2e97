import { For } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { presetTags } from '../../../shared/schema/index.ts';
import type { PresetEditing } from '../editing.ts';

/** Tags as chips; Enter adds, suggestions come from the workspace's other tags. */
export function TagsInput(props: { editing: PresetEditing; suggestions: string[] }) {
  const { t } = useI18n();
  const add = (raw: string) => {
    const tag = raw.trim();
    if (!tag || props.editing.doc.tags[tag]) return;
    props.editing.edit('tags', (d) => {
      d.tags[tag] = true;
    });
  };
  return (
    <fieldset class="tags-input">
      <legend>{t('models.tags')}</legend>
      <ul class="tags">
        <For each={presetTags(props.editing.doc)}>
          {(tag) => (
            <li class="tag">
              {tag}
              <button
                type="button"
                class="chip-remove"
                aria-label={t('models.tagRemove', { tag })}
                onClick={() =>
                  props.editing.edit('tags', (d) => {
                    delete d.tags[tag];
                  })
                }
              >
                ×
              </button>
            </li>
          )}
        </For>
      </ul>
      <input
        aria-label={t('models.tagAdd')}
        list="tag-suggestions"
        placeholder={t('models.tagAddHelp')}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          add(e.currentTarget.value);
          e.currentTarget.value = '';
        }}
      />
      <datalist id="tag-suggestions">
        <For each={props.suggestions.filter((s) => !props.editing.doc.tags[s])}>{(s) => <option value={s} />}</For>
      </datalist>
    </fieldset>
  );
}
