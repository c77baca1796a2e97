import { createMemo, createSignal, createComputed, onCleanup, type Accessor } from 'solid-js';

/**
 * When each preset document opens. A page that starts on a document of its own (a cold start at
 * /chat/<id>) gets the main thread first: while `held`, only presets the page names (`need`: the
 * conversation's models, for its model picker) open; the others wait until the page says its
 * document is open (`release`). Everywhere else every preset opens at once.
 *
 * Not a concurrency limit: a preset not on this device yet waits up to 15 s for its arrival
 * (repo/open-doc.ts) and must hold up no other, so once released all open together, as before.
 * Invariant: a preset allowed to open stays allowed (its document is never closed by this).
 */
export interface PresetOpenOrder {
  /** whether this preset may open now (reactive) */
  mayOpen(id: string): Accessor<boolean>;
  /** presets the current page needs now: they open whatever the hold (for the caller's lifetime) */
  need(ids: Accessor<readonly string[]>): void;
  /** the page's own document is open (or will not be): every preset may open */
  release(): void;
}

export function createPresetOpenOrder(heldAtStart: boolean): PresetOpenOrder {
  const [held, setHeld] = createSignal(heldAtStart);
  const [needed, setNeeded] = createSignal<ReadonlySet<string>>(new Set(), { equals: false });
  const needs = new Set<Accessor<readonly string[]>>();
  const recount = () => {
    const all = new Set<string>();
    for (const ids of needs) for (const id of ids()) all.add(id);
    setNeeded(all);
  };
  return {
    mayOpen(id) {
      return createMemo((was: boolean) => was || !held() || needed().has(id), false);
    },
    need(ids) {
      needs.add(ids);
      createComputed(recount);
      onCleanup(() => {
        needs.delete(ids);
        recount();
      });
    },
    release: () => setHeld(false),
  };
}

/** A cold start at a conversation: its page holds the presets back until the conversation is open. */
export function startsOnConversation(pathname: string): boolean {
  return /^\/chat\/[^/]+\/?$/.test(pathname);
}
