import { createSignal, Index, Show, type JSX } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import type { Chat } from './create-chat.ts';
import { ModelSelector } from './ModelSelector.tsx';
import type { ModelRef } from '../../shared/chat/model-ref.ts';

/**
 * The models that answer the next message: one selector per model, "Add a model" up to the
 * workspace's limit (an empty selector until a model is chosen in it), and a remove button
 * each. In a conversation, changing them only changes who answers next: the whole visible
 * branch stays the context.
 */
export function ModelPickers(props: { chat: Chat; extra?: (query: string) => JSX.Element }) {
  const { t } = useI18n();
  const [adding, setAdding] = createSignal(false);
  const models = () => props.chat.models();
  const slots = (): Array<string | null> => {
    const list: Array<string | null> = models().length > 0 ? [...models()] : [null];
    if (adding() && models().length > 0 && list.length < props.chat.maxModels()) list.push(null);
    return list;
  };
  const numbered = () => slots().length > 1;
  const setAt = (i: number, ref: ModelRef) => {
    const list = [...models()];
    if (i >= list.length) list.push(ref);
    else list[i] = ref;
    props.chat.setModels(list);
    setAdding(false);
  };
  const remove = (i: number) => {
    if (i >= models().length) setAdding(false);
    else props.chat.setModels(models().filter((_, j) => j !== i));
  };
  return (
    <div class="model-pickers" role="group" aria-label={t('chat.selector')}>
      {/* by position, not by value: choosing a model keeps its selector (and the focus on its button) */}
      <Index each={slots()}>
        {(ref, i) => (
          <div class="model-slot">
            <ModelSelector
              value={(ref() as ModelRef | null) ?? null}
              onSelect={(r) => setAt(i, r)}
              extra={props.extra}
              label={numbered() ? t('chat.selectorN', { n: i + 1 }) : t('chat.selector')}
            />
            <Show when={numbered()}>
              <button type="button" class="icon-button" aria-label={t('chat.removeModel', { n: i + 1 })} onClick={() => remove(i)}>
                ×
              </button>
            </Show>
          </div>
        )}
      </Index>
      <Show when={!adding() && models().length > 0 && models().length < props.chat.maxModels()}>
        <button type="button" class="secondary small add-model" title={t('chat.addModelHelp', { n: props.chat.maxModels() })} onClick={() => setAdding(true)}>
          + {t('chat.addModel')}
        </button>
      </Show>
    </div>
  );
}
