import { createMemo, createSignal, Index, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { answerColumns, type AnswerColumn } from '../../shared/chat/turns.ts';
import type { AnswerState } from '../../shared/chat/liveness.ts';
import type { Chat } from './create-chat.ts';
import { AnswerView } from './AnswerView.tsx';
import { SiblingNav } from './SiblingNav.tsx';
import { createMediaQuery, PHONE_QUERY } from './media.ts';
import { Avatar } from '../models/Avatar.tsx';
import { MergedAnswer } from './MergedAnswer.tsx';

/**
 * The answers of several models to one message. Desktop: side by side, each column with
 * its own regenerations and a "continue from this answer" choice. Phone: one at a time, with
 * arrows between the models that only change what is looked at; continuing from another
 * model's answer is the same explicit choice as on a desktop. Up to four columns: past two they
 * wrap into a grid as wide columns allow. Under them, Merge and the merged answer (MergedAnswer).
 */
export function MultiAnswer(props: { chat: Chat; parentId: string; selectedId: string; state: (id: string) => AnswerState }) {
  const { t } = useI18n();
  const phone = createMediaQuery(PHONE_QUERY);
  /** per model, the answer looked at in a column that is not the selected one (view state only) */
  const [shown, setShown] = createSignal<Record<string, string>>({});
  const columns = createMemo(() => {
    const d = props.chat.doc();
    return d ? answerColumns(d.messages, props.parentId, props.selectedId, shown()) : [];
  });
  const selectedIndex = () => Math.max(0, columns().findIndex((c) => c.selected));
  // Phone: the model looked at is view state; only "Continue from this answer" moves the branch
  // (moving it would hide the turns after this one).
  const [viewedModel, setViewedModel] = createSignal<string | null>(null);
  const viewedIndex = () => {
    const i = columns().findIndex((c) => c.model === viewedModel());
    return i >= 0 ? i : selectedIndex();
  };
  const view = (i: number) => setViewedModel(columns()[i]?.model ?? null);
  const nameOf = (ref: string) => props.chat.catalog.info(ref)?.name ?? ref;

  const goVersion = (col: AnswerColumn, i: number) => {
    const id = col.ids[i];
    if (!id) return;
    if (col.selected) props.chat.select(id);
    else setShown((s) => ({ ...s, [col.model]: id }));
  };
  const choose = (col: AnswerColumn) => {
    if (col.shownId && !col.selected) props.chat.select(col.shownId);
  };

  const Column = (p: { col: () => AnswerColumn }) => (
    <section class="answer-column" classList={{ selected: p.col().selected }} aria-label={t('chat.answerFrom', { name: nameOf(p.col().model) })}>
      <header class="column-head">
        <Avatar url={props.chat.catalog.info(p.col().model)?.avatar ?? null} name={nameOf(p.col().model)} size={24} />
        <span class="answer-model">{nameOf(p.col().model)}</span>
        <SiblingNav index={p.col().index} total={p.col().ids.length} onGo={(i) => goVersion(p.col(), i)} />
        <Show when={p.col().ids.length > 0}>
          <button
            type="button"
            class="secondary small choose-answer"
            aria-pressed={p.col().selected}
            title={p.col().selected ? t('chat.selectedAnswer') : t('chat.useAnswer')}
            disabled={p.col().shownId === null}
            onClick={() => choose(p.col())}
          >
            {p.col().selected ? '✓ ' : ''}
            {t('chat.useAnswer')}
          </button>
        </Show>
      </header>
      <Show when={p.col().shownId} keyed>
        {(id) => <AnswerView chat={props.chat} id={id} state={props.state} showNav={false} showHeader={false} />}
      </Show>
    </section>
  );

  return (
    <div class="multi-answer" role="group" aria-label={t('chat.answersSideBySide', { n: columns().length })}>
      <Show
        when={phone()}
        fallback={
          <div class="answer-columns" classList={{ many: columns().length > 2 }} style={{ '--columns': String(columns().length) }}>
            <Index each={columns()}>{(col) => <Column col={col} />}</Index>
          </div>
        }
      >
        <div class="model-switch" role="group" aria-label={t('chat.answersSideBySide', { n: columns().length })}>
          <button
            type="button"
            class="icon-button"
            aria-label={t('chat.previousModel')}
            disabled={viewedIndex() <= 0}
            onClick={() => view(viewedIndex() - 1)}
          >
            ‹
          </button>
          <span>{t('chat.modelOf', { name: nameOf(columns()[viewedIndex()]?.model ?? ''), n: viewedIndex() + 1, total: columns().length })}</span>
          <button
            type="button"
            class="icon-button"
            aria-label={t('chat.nextModel')}
            disabled={viewedIndex() >= columns().length - 1}
            onClick={() => view(viewedIndex() + 1)}
          >
            ›
          </button>
        </div>
        <Show when={viewedIndex() !== selectedIndex() && columns()[selectedIndex()]?.selected}>
          <p class="answer-note">{t('chat.continuesFrom', { name: nameOf(columns()[selectedIndex()]?.model ?? '') })}</p>
        </Show>
        <Show when={columns()[viewedIndex()]}>{(col) => <Column col={col} />}</Show>
      </Show>
      <MergedAnswer
        chat={props.chat}
        parentId={props.parentId}
        selectedId={props.selectedId}
        models={columns().map((c) => c.model)}
        shownIds={columns().map((c) => c.shownId)}
        state={props.state}
      />
    </div>
  );
}
