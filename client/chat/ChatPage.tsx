import { createEffect, createSignal, For, Match, on, onCleanup, onMount, Show, Switch, untrack } from 'solid-js';
import { A, useParams, useSearchParams } from '@solidjs/router';
import { entryState } from '../../shared/schema/index.ts';
import { usePresets } from '../models/presets-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { namesPreset } from '../models/names-preset.ts';
import { presetRef, presetIdOf } from '../../shared/chat/model-ref.ts';
import { useI18n } from '../i18n/context.tsx';
import { usePulls } from '../ollama/pulls-context.tsx';
import { PullOffer } from '../ollama/PullOffer.tsx';
import { createChat } from './create-chat.ts';
import { createLiveness } from './create-liveness.ts';
import { createStreamingIds } from './streaming-ids.ts';
import { ConversationSidebar } from './ConversationSidebar.tsx';
import { ModelPickers } from './ModelPickers.tsx';
import { MessageList } from './MessageList.tsx';
import { MessagePreview } from './MessagePreview.tsx';
import { Composer } from './Composer.tsx';
import { PromptSuggestions } from './PromptSuggestions.tsx';
import { ExportMenu } from './ExportMenu.tsx';
import { createOpenElsewhere } from './live-stream/presence.ts';
import './chat.css';

const presetIds = (refs: readonly (string | undefined)[]) => refs.flatMap((r) => presetIdOf(r) ?? []);

/** Refresh the installed models when the chat opens (at most once a minute), so the selector offers what Ollama has now. */
function useFreshModels(): void {
  const pulls = usePulls();
  onMount(() => pulls.installed.refreshIfStale());
}

export default function ChatPage() {
  const { t } = useI18n();
  const params = useParams<{ id?: string }>();
  const { workspace } = useWorkspaceDoc();
  const chat = createChat(() => params.id || undefined);
  const streaming = createStreamingIds(() => chat.doc()?.messages);
  const liveness = createLiveness(chat.doc, chat.generations, streaming);
  createEffect(() => {
    for (const id of streaming()) if (liveness(id) === 'interrupted') chat.keepLiveText(id);
  });
  const [sidebarOpen, setSidebarOpen] = createSignal(false);
  const [dragging, setDragging] = createSignal(false);
  let dropHandler: ((files: File[]) => void) | undefined;
  useFreshModels();
  const presets = usePresets();
  // A cold start here opens the conversation before the presets it does not name (presets-context.tsx).
  presets.openFirst(() => presetIds([chat.entry()?.model, ...chat.models()]));
  createEffect(() => {
    const s = chat.status();
    if (s === 'open' || s === 'new' || (s === 'missing' && workspace())) requestAnimationFrame(() => setTimeout(presets.conversationShown, 0));
  });

  // A chat link (`/chat?preset=<id>`, the list's "Copy link" and its cards) opens a new chat with
  // that preset, once the preset is on this device (a device that has not synced it yet waits).
  const [search, setSearch] = useSearchParams<{ preset?: string }>();
  const [linkNotice, setLinkNotice] = createSignal<string | null>(null);
  const linked = () => (chat.status() === 'new' && typeof search.preset === 'string' ? search.preset : undefined);
  const linkedItem = () => {
    const id = linked();
    return id ? presets.byId(id) : undefined;
  };
  createEffect(() => {
    const id = linked();
    const item = linkedItem();
    const doc = item?.doc();
    const e = item?.entry();
    if (!id || !doc || !e) return;
    untrack(() => {
      if (entryState(e) !== 'live') setLinkNotice(t('chat.linkPresetTrashed'));
      else if (doc.disabled === true) setLinkNotice(t('chat.presetDisabled', { name: doc.name }));
      else {
        setLinkNotice(null);
        chat.setModels([presetRef(id)]);
      }
      setSearch({ preset: undefined }, { replace: true });
    });
  });
  // the notice is about the link's preset: choosing models afterwards makes it moot
  createEffect(on(chat.models, () => setLinkNotice(null), { defer: true }));
  // a selected preset whose base model is not on this device runs on its first installed fallback
  const fallbackNotes = () =>
    chat.models().flatMap((ref) => {
      const info = chat.catalog.info(ref);
      return info?.missingBase ? [{ fallback: info.ollamaModel, base: info.missingBase }] : [];
    });
  const disabledNames = () => chat.disabledModels().map((ref) => chat.catalog.info(ref)?.name ?? ref);

  // Escape stops this conversation's answers (a key already handled, e.g. closing a menu, does not)
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || e.defaultPrevented || chat.runningHere().length === 0) return;
    e.preventDefault();
    chat.stopAll();
  };
  window.addEventListener('keydown', onKey);
  onCleanup(() => window.removeEventListener('keydown', onKey));

  const hasFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  const empty = () => chat.status() === 'new' || (chat.status() === 'open' && Object.keys(chat.doc()?.messages ?? {}).length === 0);
  const openElsewhere = createOpenElsewhere(chat.generations.hub, () => (chat.status() === 'open' ? chat.entry()?.url : undefined));
  const title = () => (chat.status() === 'new' ? t('chat.newChat') : chat.entry()?.title || chat.doc()?.title || t('chat.untitled'));

  return (
    <div class="chat-page" classList={{ 'sidebar-open': sidebarOpen() }}>
      <div class="chat-sidebar-wrap" id="chat-sidebar">
        <ConversationSidebar currentId={chat.id()} catalog={chat.catalog} onNavigate={() => setSidebarOpen(false)} />
      </div>
      <section
        class="chat-main"
        classList={{ dragging: dragging() }}
        aria-labelledby="chat-title"
        onDragOver={(e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={(e) => {
          if (e.currentTarget === e.target) setDragging(false);
        }}
        onDrop={(e) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          setDragging(false);
          dropHandler?.([...(e.dataTransfer?.files ?? [])]);
        }}
      >
        <header class="chat-header">
          <button
            type="button"
            class="icon-button sidebar-toggle"
            aria-controls="chat-sidebar"
            aria-expanded={sidebarOpen()}
            aria-label={sidebarOpen() ? t('chat.hideConversations') : t('chat.showConversations')}
            onClick={() => setSidebarOpen(!sidebarOpen())}
          >
            ☰
          </button>
          <h1 id="chat-title" class="chat-title">
            {title()}
          </h1>
          <Show when={openElsewhere()}>
            <p class="chat-presence" role="status">
              {t('chat.openElsewhere')}
            </p>
          </Show>
          <div class="chat-tools">
            <Show when={chat.status() === 'open' && !empty()}>
              <ExportMenu chat={chat} />
            </Show>
            <A href="/settings/chat" class="icon-button settings-link" aria-label={t('chat.settingsLink')} title={t('chat.settingsLink')}>
              ⚙
            </A>
          </div>
        </header>
        <ModelPickers chat={chat} extra={(query) => <PullOffer query={query} namesPreset={(q) => namesPreset(presets, q)} />} />
        <Show when={linked() && !linkedItem()?.doc()}>
          <p class="banner" role="status">
            {t('chat.linkPresetWaiting')}
          </p>
        </Show>
        <Show when={linkNotice()}>
          {(m) => (
            <p class="banner warning" role="status">
              {m()}
            </p>
          )}
        </Show>
        <For each={fallbackNotes()}>
          {(note) => (
            <p class="banner warning" role="status">
              {t('models.fallback.using', note)}
            </p>
          )}
        </For>
        <For each={disabledNames()}>
          {(name) => (
            <p class="banner warning" role="status">
              {t('chat.presetDisabled', { name })}
            </p>
          )}
        </For>
        <Show when={chat.readOnly()}>
          <p class="banner warning" role="status">
            {t('chat.readOnly')}
          </p>
        </Show>
        <div class="chat-body">
          <Switch>
            <Match when={chat.status() === 'missing'}>
              <p class="chat-empty help">{t('chat.notFound')}</p>
            </Match>
            <Match when={chat.status() === 'opening'}>
              <Show
                when={chat.preview()}
                fallback={
                  <p class="chat-empty loading" role="status">
                    {t('chat.opening')}
                  </p>
                }
              >
                {(view) => <MessagePreview view={view()} />}
              </Show>
            </Match>
            <Match when={empty()}>
              <PromptSuggestions chat={chat} onPick={(prompt) => chat.send(prompt, [])} />
            </Match>
            <Match when={chat.status() === 'open'}>
              <MessageList chat={chat} state={liveness} />
            </Match>
          </Switch>
        </div>
        <Show when={dragging()}>
          <p class="drop-hint" aria-hidden="true">
            {t('chat.dropImages')}
          </p>
        </Show>
        <Show when={chat.status() !== 'missing'}>
          <Composer chat={chat} registerDrop={(h) => (dropHandler = h)} />
        </Show>
      </section>
    </div>
  );
}
