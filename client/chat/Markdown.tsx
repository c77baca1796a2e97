import { createEffect, createResource, createSignal, on, onCleanup, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { copyText } from './copy.ts';

/*
 * An answer rendered as Markdown. The renderer (marked, DOMPurify, highlight.js core) is a
 * separate chunk loaded with the first answer; until then the text shows as is. While an
 * answer streams, rendering happens at most once per animation frame.
 */

type Renderer = typeof import('./markdown/render.ts');
/** once loaded, later answers render at once (no flash of plain text when switching versions) */
let loadedRenderer: Renderer | undefined;
const loadRenderer = async (): Promise<Renderer> => (loadedRenderer ??= await import('./markdown/render.ts'));

export function Markdown(props: { text: string; class?: string }) {
  const { t } = useI18n();
  const [renderer] = createResource(loadRenderer, { initialValue: loadedRenderer });
  const [languages, setLanguages] = createSignal(0);
  let el: HTMLDivElement | undefined;
  let frame = 0;
  let painted = false;

  const addCopyButtons = () => {
    if (!el) return;
    for (const head of el.querySelectorAll<HTMLElement>('.code-head')) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'code-copy secondary small';
      button.textContent = t('chat.copy');
      button.setAttribute('aria-label', t('chat.copyCode'));
      head.append(button);
    }
  };

  const paint = () => {
    frame = 0;
    const r = renderer();
    if (!el || !r) return;
    el.innerHTML = r.renderMarkdown(props.text, () => setLanguages((n) => n + 1));
    addCopyButtons();
    painted = true;
  };

  createEffect(
    on([() => props.text, () => renderer(), languages], () => {
      if (!renderer()) return;
      // the first paint at once (no empty frame); then at most one per animation frame while text streams in
      if (!painted && el) paint();
      else if (frame === 0) frame = requestAnimationFrame(paint);
    }),
  );
  onCleanup(() => {
    if (frame !== 0) cancelAnimationFrame(frame);
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
