import { createSignal, For, Index, Show } from 'solid-js';
import { immutable } from '../../../shared/schema/index.ts';
import { cleanFallbacks } from '../../../shared/presets/fallback.ts';
import { useI18n } from '../../i18n/context.tsx';
import { useOllamaModels } from '../../ollama/known-models-context.tsx';
import type { PresetEditing } from '../editing.ts';

/**
 * The ordered fallback base models (shared/presets/fallback.ts): add, remove, move up or down.
 * The whole list is written at once (one value), so two devices editing it end with one list.
 */
export function FallbackModelsEditor(props: { editing: PresetEditing }) {
  const { t } = useI18n();
  const ollamaModels = useOllamaModels();
  const list = () => props.editing.doc.fallbackModels ?? [];
  const [note, setNote] = createSignal<string | null>(null);
  let input: HTMLInputElement | undefined;

  const write = (next: string[]) =>
    props.editing.edit('fallbackModels', (d) => {
      if (next.length === 0) delete d.fallbackModels;
      else d.fallbackModels = next.map((m) => immutable(m));
    });
  const add = () => {
    const model = input?.value.trim() ?? '';
    if (!model) return;
    const next = cleanFallbacks([...list(), model], props.editing.doc.baseModel);
    if (next.length === list().length) { setNote(t('models.fallback.notAdded', { model })); return; }
    setNote(null);
    write(next);
    if (input) input.value = '';
  };
  const move = (i: number, by: -1 | 1) => {
    const next = [...list()];
    const [m] = next.splice(i, 1);
    if (m === undefined) return;
    next.splice(i + by, 0, m);
    write(next);
  };

  return (
    <fieldset class="fallback-models">
      <legend>{t('models.fallback.label')}</legend>
      <p class="help" id="fallback-help">
        {t('models.fallback.help')}
      </p>
      <Show when={list().length > 0} fallback={<p class="help">{t('models.fallback.none')}</p>}>
        <ol aria-label={t('models.fallback.list')}>
          <Index each={list()}>
            {(model, i) => (
              <li>
                <span>{model()}</span>{' '}
                <span class="row-actions">
                  <button type="button" class="secondary" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('models.fallback.up', { model: model() })}>
                    ↑
                  </button>
                  <button type="button" class="secondary" disabled={i === list().length - 1} onClick={() => move(i, 1)} aria-label={t('models.fallback.down', { model: model() })}>
                    ↓
                  </button>
                  <button type="button" class="secondary" onClick={() => write(list().filter((_, j) => j !== i))} aria-label={t('models.fallback.remove', { model: model() })}>
                    ×
                  </button>
                </span>
              </li>
            )}
          </Index>
        </ol>
      </Show>
      <div class="row-actions">
        <input
          ref={input}
          aria-label={t('models.fallback.addLabel')}
          aria-describedby="fallback-help"
          list="fallback-models"
          spellcheck={false}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            add();
          }}
        />
        <button type="button" class="secondary" onClick={add}>
          {t('models.fallback.add')}
        </button>
      </div>
      <datalist id="fallback-models">
        <For each={ollamaModels.models()}>{(m) => <option value={m.name} />}</For>
      </datalist>
      <Show when={note()}>
        <p role="status">{note()}</p>
      </Show>
    </fieldset>
  );
}
