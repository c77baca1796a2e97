import { batch, createContext, onCleanup, useContext, type ParentProps } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { newId } from '../../shared/schema/ids.ts';
import { formerTabWriters } from './tab-writers.ts';

/*
 * The answers this tab is generating right now: one AbortController each, and the text as it
 * arrives token by token, shown once per animation frame (the document only gets it in
 * batches, see stream-writer.ts).
 *
 * Mount <GenerationsProvider> high (client/App.tsx Root) and answers keep streaming while the
 * person visits other pages; without it, the chat page makes its own registry, and leaving the
 * chat stops its answers (kept as "stopped", with what arrived).
 */

export interface LiveText {
  content: string;
  thinking: string;
}

export interface RunControl {
  signal: AbortSignal;
  /** the whole text so far (not a delta) */
  show(text: LiveText): void;
}

export interface Generations {
  /** this tab's id, written on the answers it streams */
  readonly writerId: string;
  /** this tab's writer ids before a reload (their answers were cut off) */
  readonly formerWriterIds: readonly string[];
  isRunning(messageId: string): boolean;
  /** the answers running in this tab */
  runningIds(): string[];
  /** the text as it arrives, while running in this tab */
  live(messageId: string): LiveText | undefined;
  /** Run `job` for the answer; a second start for an answer already running is ignored. */
  start(messageId: string, job: (ctl: RunControl) => Promise<void>): Promise<void>;
  stop(messageId: string): void;
  stopAll(): void;
}

export function createGenerations(): Generations {
  const writerId = newId();
  const formerWriterIds = formerTabWriters(writerId);
  const controllers = new Map<string, AbortController>();
  const [running, setRunning] = createStore<Record<string, true>>({});
  const [live, setLive] = createStore<Record<string, LiveText>>({});

  // Tokens arrive far faster than frames (200/s): the shown text is updated once per frame,
  // so the answer's view does its work (Markdown, extras) at most at the display's rate.
  const pendingLive = new Map<string, LiveText>();
  let frame: number | null = null;
  const flushLive = () => {
    frame = null;
    batch(() => {
      for (const [id, text] of pendingLive) if (controllers.has(id)) setLive(id, text);
    });
    pendingLive.clear();
  };
  const showLive = (id: string, text: LiveText) => {
    pendingLive.set(id, { ...text });
    frame ??= requestAnimationFrame(flushLive);
  };

  const forget = (id: string) => {
    controllers.delete(id);
    pendingLive.delete(id);
    batch(() => {
      setRunning(produce((r) => delete r[id]));
      setLive(produce((l) => delete l[id]));
    });
  };

  return {
    writerId,
    formerWriterIds,
    isRunning: (id) => running[id] === true,
    runningIds: () => Object.keys(running),
    live: (id) => live[id],
    async start(id, job) {
      if (controllers.has(id)) return;
      const ac = new AbortController();
      controllers.set(id, ac);
      setRunning(id, true);
      try {
        await job({ signal: ac.signal, show: (text) => showLive(id, text) });
      } finally {
        if (controllers.get(id) === ac) forget(id);
      }
    },
    stop(id) {
      controllers.get(id)?.abort();
    },
    stopAll() {
      for (const ac of controllers.values()) ac.abort();
    },
  };
}

const GenerationsContext = createContext<Generations>();

export function GenerationsProvider(props: ParentProps) {
  const generations = createGenerations();
  onCleanup(() => generations.stopAll());
  return <GenerationsContext.Provider value={generations}>{props.children}</GenerationsContext.Provider>;
}

/** The app-wide registry when mounted, else one owned by the caller (stopped with it). */
export function useGenerations(): Generations {
  const shared = useContext(GenerationsContext);
  if (shared) return shared;
  const own = createGenerations();
  onCleanup(() => own.stopAll());
  return own;
}
