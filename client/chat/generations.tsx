import { batch, createContext, onCleanup, useContext, type ParentProps } from 'solid-js';
import { createStore, produce } from 'solid-js/store';
import { newId } from '../../shared/schema/ids.ts';
import { formerTabWriters } from './tab-writers.ts';
import { useSync } from '../sync/sync-context.tsx';
import { applyLive, type LiveState } from './live-stream/codec.ts';
import { makeLiveHub, type LiveHub } from './live-stream/hub.ts';
import { makeLiveSender, type LiveSender } from './live-stream/sender.ts';

/*
 * The answers this tab is generating right now: one AbortController each, and the text as it
 * arrives token by token, shown once per animation frame (the document only gets it in
 * batches, see stream-writer.ts).
 *
 * The text also goes live to the device's other tabs and the account's other devices as
 * ephemeral messages (live-stream/), and this registry keeps the live text of answers written
 * elsewhere (`liveElsewhere`), shown until the stored checkpoint overtakes it.
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
  /** the tabs' channel of live messages (none without a GenerationsProvider) */
  readonly hub: LiveHub | undefined;
  /** the live text of an answer another tab or device is writing, as far as its messages reached this tab */
  liveElsewhere(messageId: string): Readonly<LiveState> | undefined;
  /**
   * Run `job` for the answer; a second start for an answer already running is ignored. With
   * `doc` (the conversation's document id), the text also goes live to other tabs and devices.
   */
  start(messageId: string, job: (ctl: RunControl) => Promise<void>, doc?: string): Promise<void>;
  stop(messageId: string): void;
  stopAll(): void;
}

/** remote live texts not heard of for this long are dropped (their writer went away) */
const FORGET_REMOTE_MS = 60_000;
/** a receiver missing text asks for the full text again after this long */
const WANT_AGAIN_MS = 1_000;

export function createGenerations(hub?: LiveHub): Generations {
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

  // ——— live text of answers written elsewhere ———
  const [remote, setRemote] = createStore<Record<string, LiveState>>({});
  /** the receiving side's state, ahead of the store (which is updated once per frame) */
  const received = new Map<string, LiveState & { heardAt: number }>();
  const senders = new Map<string, { doc: string; sender: LiveSender }>();
  let remoteFrame: number | null = null;
  const dirtyRemote = new Set<string>();
  const flushRemote = () => {
    remoteFrame = null;
    batch(() => {
      for (const id of dirtyRemote) {
        const r = received.get(id);
        if (r) setRemote(id, { run: r.run, writer: r.writer, n: r.n, content: r.content, thinking: r.thinking, ended: r.ended, elsewhere: r.elsewhere });
        else setRemote(produce((all) => delete all[id]));
      }
    });
    dirtyRemote.clear();
  };
  const touchRemote = (id: string) => {
    dirtyRemote.add(id);
    remoteFrame ??= requestAnimationFrame(flushRemote);
  };
  /** when this tab last asked for an answer's full text (once per FULL_EVERY-ish, not per message) */
  const wantedAt = new Map<string, number>();
  const offHub = hub?.listen((doc, m, origin) => {
    if (m.t === 'here') return; // presence (presence.ts)
    const now = Date.now();
    for (const [id, r] of received) {
      if (now - r.heardAt <= FORGET_REMOTE_MS || id === m.m) continue;
      received.delete(id);
      wantedAt.delete(id);
      touchRemote(id);
    }
    if (m.t === 'want') {
      const s = senders.get(m.m);
      if (s && s.doc === doc) s.sender.wantFull();
      return;
    }
    if (controllers.has(m.m)) return; // this tab writes it
    const prev = received.get(m.m);
    if (m.t === 'end') {
      if (prev && prev.run === m.r) received.set(m.m, { ...prev, ended: true, heardAt: now });
      return touchRemote(m.m);
    }
    const r = applyLive(prev, m, origin === 'device');
    if (r.kind === 'gap' && now - (wantedAt.get(m.m) ?? 0) > WANT_AGAIN_MS) {
      wantedAt.set(m.m, now);
      hub.send(doc, { k: m.k, t: 'want', m: m.m });
    }
    if (r.kind !== 'applied') return;
    received.set(m.m, { ...r.state, heardAt: now });
    touchRemote(m.m);
  });
  onCleanup(() => offHub?.());

  const forget = (id: string) => {
    controllers.delete(id);
    pendingLive.delete(id);
    batch(() => {
      setRunning(produce((r) => delete r[id]));
      setLive(produce((l) => delete l[id]));
    });
  };

  return {
    hub,
    writerId,
    formerWriterIds,
    isRunning: (id) => running[id] === true,
    runningIds: () => Object.keys(running),
    live: (id) => live[id],
    liveElsewhere: (id) => remote[id],
    async start(id, job, doc) {
      if (controllers.has(id)) return;
      const ac = new AbortController();
      controllers.set(id, ac);
      setRunning(id, true);
      const sender = hub && doc ? makeLiveSender((m) => hub.send(doc, m), { messageId: id, writer: writerId }) : undefined;
      if (sender && doc) senders.set(id, { doc, sender });
      // an answer this tab now writes is no longer one written elsewhere
      if (received.delete(id)) touchRemote(id);
      try {
        await job({
          signal: ac.signal,
          show: (text) => {
            showLive(id, text);
            sender?.update(text.content, text.thinking);
          },
        });
      } finally {
        sender?.end();
        if (senders.get(id)?.sender === sender) senders.delete(id);
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
  const sync = useSync();
  const hub = makeLiveHub(sync, 'atelier-answer-live');
  const generations = createGenerations(hub);
  onCleanup(() => {
    generations.stopAll();
    hub.close();
  });
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
