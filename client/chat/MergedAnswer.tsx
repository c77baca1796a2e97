import { createMemo, createSignal, For, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { mergeable, mergedAnswers } from '../../shared/chat/merge.ts';
import type { AnswerState } from '../../shared/chat/liveness.ts';
import type { Chat } from './create-chat.ts';
import { AnswerView } from './AnswerView.tsx';
import { SiblingNav } from './SiblingNav.tsx';

/**
 * Under the answers of several models: "Merge" (a chosen model, the first by default, combines
 * the answers shown in the columns into one) and the turn's merged answer, with arrows between
 * its versions and "Continue from this answer" like a column.
 */
export function MergedAnswer(props: {
  chat: Chat;
  parentId: string;
  selectedId: string;
  /** the turn's models, in column order */
  models: string[];
  /** the answers shown in the columns (what a merge combines) */
  shownIds: Array<string | null>;
  state: (id: string) => AnswerState;
}) {
  const { t } = useI18n();
  const nameOf = (ref: string) => props.chat.catalog.info(ref)?.name ?? ref;
  const mergedIds = createMemo(() => {
    const d = props.chat.doc();
    return d ? mergedAnswers(d.messages, props.parentId) : [];
  });
  /** the merged version looked at when it is not the selected answer (view state only) */
  const [looked, setLooked] = createSignal<string | null>(null);
  const shownId = () => {
    const ids = mergedIds();
    if (ids.includes(props.selectedId)) return props.selectedId;
    const l = looked();
    return l !== null && ids.includes(l) ? l : (ids.at(-1) ?? null);
  };
  const selected = () => shownId() === props.selectedId;
  const go = (i: number) => {
    const id = mergedIds()[i];
    if (!id) return;
    if (selected()) props.chat.select(id);
    else setLooked(id);
  };

  const [chosen, setChosen] = createSignal<string | null>(null);
  const mergeModel = () => {
    const c = chosen();
    return c !== null && props.models.includes(c) ? c : (props.models[0] ?? null);
  };
  const busy = (id: string) => {
    const s = props.state(id);
    return s === 'local' || s === 'remote';
  };
  const answersToMerge = () => {
    const d = props.chat.doc();
    return d ? props.shownIds.filter((id): id is string => id !== null && mergeable(d.messages[id])) : [];
  };
  const turnBusy = () => {
    const d = props.chat.doc();
    return (d?.messages[props.parentId]?.childrenIds ?? []).some(busy);
  };
  const canMerge = () => answersToMerge().length >= 2 && !turnBusy() && mergeModel() !== null;

  return (
    <>
      <Show when={!props.chat.readOnly()}>
        <div class="merge-controls" role="group" aria-label={t('chat.mergeControls')}>
          <label>
            <span>{t('chat.mergeWith')}</span>{' '}
            <select value={mergeModel() ?? ''} onChange={(e) => setChosen(e.currentTarget.value)}>
              <For each={props.models}>{(ref) => <option value={ref}>{nameOf(ref)}</option>}</For>
            </select>
          </label>
          <button
            type="button"
            class="secondary small"
            title={canMerge() ? t('chat.mergeHelp') : t('chat.mergeNeedsTwo')}
            disabled={!canMerge()}
            onClick={() => {
              const model = mergeModel();
              if (model !== null) props.chat.merge(props.parentId, model, answersToMerge());
            }}
          >
            {t('chat.merge')}
          </button>
        </div>
      </Show>
      <Show when={shownId()} keyed>
        {(id) => (
          <section class="merged-answer" classList={{ selected: selected() }} aria-label={t('chat.mergedAnswer')}>
            <header class="column-head">
              <span class="answer-model">{t('chat.mergedBy', { name: nameOf(props.chat.doc()?.messages[id]?.model ?? '') })}</span>
              <SiblingNav index={mergedIds().indexOf(id)} total={mergedIds().length} onGo={go} />
              <button
                type="button"
                class="secondary small choose-answer"
                aria-pressed={selected()}
                title={selected() ? t('chat.selectedAnswer') : t('chat.useAnswer')}
                onClick={() => !selected() && props.chat.select(id)}
              >
                {selected() ? '✓ ' : ''}
                {t('chat.useAnswer')}
              </button>
            </header>
            <AnswerView chat={props.chat} id={id} state={props.state} showNav={false} showHeader={false} />
          </section>
        )}
      </Show>
    </>
  );
}
