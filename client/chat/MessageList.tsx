import { createEffect, createMemo, For, Match, on, Show, Switch } from 'solid-js';
import { createVirtualizer } from '@tanstack/solid-virtual';
import { useI18n } from '../i18n/context.tsx';
import { displayTurns, type Turn } from '../../shared/chat/turns.ts';
import type { AnswerState } from '../../shared/chat/liveness.ts';
import type { Chat } from './create-chat.ts';
import { UserMessage } from './UserMessage.tsx';
import { AnswerView } from './AnswerView.tsx';
import { MultiAnswer } from './MultiAnswer.tsx';

/** Distance from the bottom under which the list keeps following a growing answer. */
const STICK_PX = 80;

function TurnView(props: { chat: Chat; turn: () => Turn | undefined; state: (id: string) => AnswerState }) {
  return (
    <Switch>
      <Match when={props.turn()?.kind === 'user' && props.turn()}>
        {(t) => <UserMessage chat={props.chat} id={(t() as Extract<Turn, { kind: 'user' }>).id} />}
      </Match>
      <Match when={props.turn()?.kind === 'answer' && props.turn()}>
        {(t) => <AnswerView chat={props.chat} id={(t() as Extract<Turn, { kind: 'answer' }>).id} state={props.state} showNav />}
      </Match>
      <Match when={props.turn()?.kind === 'multi' && (props.turn() as Extract<Turn, { kind: 'multi' }>)}>
        {(t) => <MultiAnswer chat={props.chat} parentId={t().parentId} selectedId={t().selectedId} state={props.state} />}
      </Match>
    </Switch>
  );
}

/**
 * The visible branch of the conversation, virtualised (only the turns near the viewport are
 * in the DOM, so a long conversation stays fast), following the bottom while an answer grows
 * unless the person scrolled up to read.
 */
export function MessageList(props: { chat: Chat; state: (id: string) => AnswerState }) {
  const { t } = useI18n();
  const turns = createMemo(() => {
    const d = props.chat.doc();
    return d ? displayTurns(d.messages, d.currentId) : [];
  });
  let scroller: HTMLDivElement | undefined;
  let stick = true;

  const virtualizer = createVirtualizer({
    get count() {
      return turns().length;
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => 160,
    overscan: 4,
    getItemKey: (i: number) => turns()[i]?.key ?? i,
  });

  const toBottom = () => {
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  };

  // another conversation, or a new turn: go to the end
  createEffect(
    on([() => props.chat.id(), () => turns().length], () => {
      stick = true;
      queueMicrotask(toBottom);
    }),
  );
  createEffect(
    on(
      () => virtualizer.getTotalSize(),
      () => {
        if (stick) toBottom();
      },
    ),
  );

  return (
    <div
      class="message-scroll"
      ref={scroller}
      role="log"
      aria-label={t('chat.messages')}
      aria-live="off"
      tabIndex={0}
      onScroll={() => {
        if (scroller) stick = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < STICK_PX;
      }}
    >
      <div class="message-canvas" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        <For each={virtualizer.getVirtualItems()}>
          {(item) => {
            const turn = () => turns()[item.index];
            return (
              <div
                class="turn"
                data-index={item.index}
                ref={(el) => queueMicrotask(() => el.isConnected && virtualizer.measureElement(el))}
                style={{ transform: `translateY(${item.start}px)` }}
              >
                <Show when={turn()?.key} keyed>
                  {(_key) => <TurnView chat={props.chat} turn={turn} state={props.state} />}
                </Show>
              </div>
            );
          }}
        </For>
      </div>
    </div>
  );
}
