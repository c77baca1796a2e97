import { createEffect, createResource, createSignal, getOwner, on, onCleanup, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { copyText } from '../components/copy.ts';
import { loadedRenderer, loadRenderer } from './markdown/lazy.ts';

/*
 * An answer rendered as Markdown. The renderer (marked, DOMPurify, highlight.js core) is a
 * separate chunk loaded with the first answer; until then (or while it cannot load, offline)
 * the text shows as is. While an answer streams, rendering happens at most once per animation
 * frame, and only the blocks that changed are rendered and replaced (markdown/render.ts).
 */

type MarkdownView = import('./markdown/render.ts').MarkdownView;
type CodeRunners = import('./code-runner/attach.tsx').CodeRunners;

/**
 * `final`: the text is complete (a finished answer): a large code block left open is highlighted too.
 * `runCode`: a Run button on each Python block (the preset's code interpreter, once the answer
 * is complete); its code is a chunk of its own, loaded the first time it is asked for.
 */
export function Markdown(props: { text: string; class?: string; runCode?: boolean; final?: boolean }) {
  const { t } = useI18n();
  const owner = getOwner();
  // The renderer's chunk may fail to load (offline before the service worker cached it): the
  // text then stays plain, and loading is tried again once the browser is back online. The
  // resource never errors: an errored resource throws in every computation that reads it, and
  // that throw inside an update stops the message list from following the conversation.
  const [renderer, { refetch }] = createResource(() => loadRenderer().catch(() => undefined), { initialValue: loadedRenderer() });
  const retry = () => {
    if (!renderer()) void refetch();
  };
  window.addEventListener('online', retry);
  onCleanup(() => window.removeEventListener('online', retry));
  const [languages, setLanguages] = createSignal(0);
  let el: HTMLDivElement | undefined;
  let frame = 0;
  let painted = false;
  let view: MarkdownView | undefined;
  let runners: CodeRunners | undefined;
  let runnersAsked = false;
  const [runnersLoaded, setRunnersLoaded] = createSignal(false);
  const syncRunners = () => {
    if (el && runners) runners.sync(el, props.runCode === true);
  };

  /** Copy buttons go in after sanitising (DOMPurify drops buttons), on each new block. */
  const addCopyButtons = (nodes: readonly Node[]) => {
    for (const node of nodes) {
      if (!(node instanceof HTMLElement)) continue;
      for (const head of node.querySelectorAll<HTMLElement>('.code-head')) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'code-copy secondary small';
        button.textContent = t('chat.copy');
        button.setAttribute('aria-label', t('chat.copyCode'));
        head.append(button);
      }
    }
  };

  const paint = () => {
    frame = 0;
    const r = renderer();
    if (!el || !r) return;
    view ??= r.createMarkdownView(el, addCopyButtons, () => setLanguages((n) => n + 1));
    view.update(props.text, props.final === true);
    painted = true;
    syncRunners();
  };

  createEffect(() => {
    if (!props.runCode || runnersAsked) return;
    runnersAsked = true;
    void import('./code-runner/attach.tsx').then(
      (m) => {
        runners = m.makeCodeRunners(owner);
        setRunnersLoaded(true);
      },
      () => {
        runnersAsked = false; // offline before the chunk was cached: asked again on the next change
      },
    );
  });
  createEffect(on([() => props.runCode, runnersLoaded], () => syncRunners()));

  createEffect(
    on([() => props.text, () => props.final, () => renderer(), languages], () => {
      if (!renderer()) return;
      // the first paint at once (no empty frame); then at most one per animation frame while text streams in
      if (!painted && el) paint();
      else if (frame === 0) frame = requestAnimationFrame(paint);
    }),
  );
  onCleanup(() => {
    if (frame !== 0) cancelAnimationFrame(frame);
    view?.dispose();
    runners?.dispose();
  });

  const onClick = async (e: MouseEvent) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>('.code-copy');
    const code = button?.closest('.code-block')?.querySelector('code');
    if (!button || !code) return;
    const ok = await copyText(code.textContent ?? '');
    button.textContent = ok ? t('chat.copied') : t('chat.copyFailed');
    setTimeout(() => {
      if (button.isConnected) button.textContent = t('chat.copy');
    }, 2000);
  };

  return (
    <Show when={renderer()} fallback={<div class={`markdown plain ${props.class ?? ''}`}>{props.text}</div>}>
      <div class={`markdown ${props.class ?? ''}`} ref={el} onClick={(e) => void onClick(e)} />
    </Show>
  );
}
