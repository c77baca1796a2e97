import { createEffect, createMemo, For, Match, on, onCleanup, onMount, Show, Switch } from 'solid-js';
import { createVirtualizer } from '@tanstack/solid-virtual';
import { useI18n } from '../i18n/context.tsx';
import { displayTurns, type Turn } from '../../shared/chat/turns.ts';
import type { AnswerState } from '../../shared/chat/liveness.ts';
import type { Chat } from './create-chat.ts';
import { UserMessage } from './UserMessage.tsx';
import { AnswerView } from './AnswerView.tsx';
import { MultiAnswer } from './MultiAnswer.tsx';
import { saveView } from './view-cache.ts';

/** Distance from the bottom under which the list keeps following a growing answer. */
const STICK_PX = 80;
/** Quiet time after the last change of the list before its view is saved. */
const SAVE_VIEW_MS = 800;

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
 * unless the person scrolled up to read. What it shows at the bottom is saved, to be shown
 * while the document loads the next time (MessagePreview).
 */
export function MessageList(props: { chat: Chat; state: (id: string) => AnswerState }) {
  const { t, locale } = useI18n();
  const turns = createMemo(() => {
    const d = props.chat.doc();
    return d ? displayTurns(d.messages, d.currentId) : [];
  });
  let scroller: HTMLDivElement | undefined;
  let stick = true;
  /** scrollTop after the last scroll we saw or made: only a move up is the person reading back */
  let lastTop = 0;

  const virtualizer = createVirtualizer({
    get count() {
      return turns().length;
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => 160,
    overscan: 4,
    getItemKey: (i: number) => turns()[i]?.key ?? i,
  });
  // While following the bottom, a turn above measured at another height than estimated must
  // not move the scroll position (the list goes to the bottom anyway): that move would read
  // as the person scrolling up. Reading back, the library's adjustment keeps the view steady.
  virtualizer.shouldAdjustScrollPositionOnItemSizeChange = (item, _delta, instance) =>
    !stick && item.end <= (instance.scrollOffset ?? 0) && instance.scrollDirection !== 'backward';

  // What is in view at the bottom is saved (debounced) for the next opening (view-cache.ts).
  let canvas: HTMLDivElement | undefined;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const saveNow = () => {
    saveTimer = undefined;
    const id = props.chat.id();
    if (!id || !canvas || !stick) return;
    const turns = [...canvas.querySelectorAll<HTMLElement>(':scope > .turn')]
      .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
      .map((el) => {
        const copy = el.cloneNode(true) as HTMLElement;
        copy.removeAttribute('style');
        return copy.outerHTML;
      });
    if (turns.length > 0) void saveView({ id, turns, savedAt: Date.now(), locale: locale() });
  };
  const observer = new MutationObserver(() => {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, SAVE_VIEW_MS);
  });
  // the list gets shorter when the composer grows or the page lays out: stay at the bottom
  const resized = new ResizeObserver(() => {
    if (stick) toBottom();
  });
  onMount(() => {
    if (canvas) observer.observe(canvas, { childList: true, subtree: true, characterData: true });
    if (scroller) resized.observe(scroller);
  });
  onCleanup(() => {
    resized.disconnect();
    observer.disconnect();
    if (saveTimer !== undefined) {
      clearTimeout(saveTimer);
      saveNow();
    }
  });

  const toBottom = () => {
    if (!scroller) return;
    scroller.scrollTop = scroller.scrollHeight;
    lastTop = scroller.scrollTop;
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
        if (!scroller) return;
        // Measured turns change the height under a scroll event that is already queued: judging
        // by the distance to the bottom alone would stop following at the first measurement.
        const top = scroller.scrollTop;
        if (scroller.scrollHeight - top - scroller.clientHeight < STICK_PX) stick = true;
        else if (top < lastTop) stick = false;
        lastTop = top;
      }}
    >
      <div class="message-canvas" ref={canvas} style={{ height: `${virtualizer.getTotalSize()}px` }}>
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
