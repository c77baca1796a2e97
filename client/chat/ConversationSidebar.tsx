import { createMemo, createSignal, For, Show } from 'solid-js';
import { A, useNavigate } from '@solidjs/router';
import { useI18n } from '../i18n/context.tsx';
import { useRepo } from '../repo/repo-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { createConversationIndex, filterConversations, renameConversation, setPinned, trashConversation } from './conversation-index.ts';
import { importChatsFile } from './import-export.ts';
import type { ModelCatalog } from './model-catalog.ts';
import { formatBytes } from '../ollama/format.ts';

const PAGE = 100;

/**
 * The conversations of the workspace: New chat, search, pinned ones first then newest first;
 * each can be renamed, pinned and moved to the Trash. Open WebUI chat exports can be imported.
 */
export function ConversationSidebar(props: { currentId: string | undefined; catalog: ModelCatalog; onNavigate?: () => void }) {
  const { t, locale } = useI18n();
  const { repo } = useRepo();
  const { workspace } = useWorkspaceDoc();
  const navigate = useNavigate();
  const all = createConversationIndex(workspace);
  const [query, setQuery] = createSignal('');
  const visible = createMemo(() => filterConversations(all(), query(), t('chat.untitled')));
  // Thousands of conversations as DOM nodes make every re-sort (a new answer bumps one to the
  // top) and the page itself slow: show a page of them, more on request; search covers all.
  const [limit, setLimit] = createSignal(PAGE);
  const shown = createMemo(() => {
    const ids = visible().slice(0, limit()).map((i) => i.id);
    // the open conversation stays listed even when it is further down
    if (props.currentId && !ids.includes(props.currentId) && visible().some((i) => i.id === props.currentId)) ids.push(props.currentId);
    return ids;
  });
  const [renaming, setRenaming] = createSignal<string | null>(null);
  const [menu, setMenu] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal('');

  const onImport = async (file: File | undefined) => {
    const ws = workspace();
    if (!file || !ws) return;
    const r = await importChatsFile(file, repo, ws, props.catalog);
    if (!r.ok) {
      setNotice(
        r.error === 'too-large'
          ? t('chat.importTooLarge', { size: formatBytes(r.size ?? 0, locale()) })
          : r.error === 'not-json'
            ? t('chat.importNotJson')
            : t('chat.importWrongShape'),
      );
      return;
    }
    const skipped = r.skipped.map((s) => `${s.title || `#${s.index + 1}`} (${t(`chat.skipReason.${s.reason}`)})`).join(', ');
    setNotice(t('chat.imported', { n: r.imported }) + (r.skipped.length > 0 ? ` ${t('chat.importSkipped', { n: r.skipped.length, list: skipped })}` : ''));
  };

  const Item = (p: { id: string }) => {
    const entry = () => workspace()?.doc.conversations[p.id];
    const title = () => entry()?.title || t('chat.untitled');
    let input: HTMLInputElement | undefined;
    const commit = () => {
      const ws = workspace();
      const value = input?.value ?? '';
      setRenaming(null);
      if (ws && value.trim() !== '' && value.trim() !== (entry()?.title ?? '')) void renameConversation(repo, ws, p.id, value);
    };
    return (
      <li class="conversation-item" classList={{ current: p.id === props.currentId }} aria-label={title()}>
        <Show
          when={renaming() === p.id}
          fallback={
            <A href={`/chat/${p.id}`} class="conversation-link" aria-current={p.id === props.currentId ? 'page' : undefined} onClick={() => props.onNavigate?.()}>
              <Show when={entry()?.pinned}>
                <span class="pin-mark" aria-hidden="true">
                  📌
                </span>
              </Show>
              <span class="conversation-title">{title()}</span>
            </A>
          }
        >
          <form
            class="rename-form"
            onSubmit={(e) => {
              e.preventDefault();
              commit();
            }}
          >
            <input
              ref={(el) => {
                input = el;
                queueMicrotask(() => {
                  el.focus();
                  el.select();
                });
              }}
              aria-label={t('chat.renameLabel', { title: title() })}
              value={(entry()?.title ?? '')}
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  e.preventDefault();
                  setRenaming(null);
                }
              }}
            />
            <button type="submit" class="small">
              {t('chat.save')}
            </button>
          </form>
        </Show>
        <Show when={renaming() !== p.id}>
          <button
            type="button"
            class="icon-button"
            aria-label={t('chat.actionsFor', { title: title() })}
            aria-expanded={menu() === p.id}
            onClick={() => setMenu(menu() === p.id ? null : p.id)}
          >
            ⋯
          </button>
        </Show>
        <Show when={menu() === p.id}>
          <div class="item-menu" role="group" aria-label={t('chat.actionsFor', { title: title() })}>
            <button
              type="button"
              class="secondary small"
              onClick={() => {
                setMenu(null);
                setRenaming(p.id);
              }}
            >
              {t('chat.rename')}
            </button>
            <button
              type="button"
              class="secondary small"
              onClick={() => {
                setMenu(null);
                const ws = workspace();
                if (ws) setPinned(ws, p.id, !entry()?.pinned);
              }}
            >
              {entry()?.pinned ? t('chat.unpin') : t('chat.pin')}
            </button>
            <button
              type="button"
              class="danger small"
              onClick={() => {
                setMenu(null);
                const ws = workspace();
                if (!ws || !confirm(t('chat.deleteConfirm', { title: title() }))) return;
                trashConversation(ws, p.id);
                if (p.id === props.currentId) navigate('/chat');
              }}
            >
              {t('chat.delete')}
            </button>
          </div>
        </Show>
      </li>
    );
  };

  return (
    <nav class="chat-sidebar" aria-label={t('chat.conversations')}>
      <button
        type="button"
        class="new-chat"
        onClick={() => {
          props.onNavigate?.();
          navigate('/chat');
        }}
      >
        + {t('chat.newChat')}
      </button>
      <input type="search" aria-label={t('chat.searchChats')} placeholder={t('chat.searchChats')} value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
      <Show when={visible().length > 0} fallback={<p class="help">{all().length === 0 ? t('chat.noChats') : t('chat.noChatMatch')}</p>}>
        <ul class="conversation-list" aria-label={t('chat.conversations')}>
          <For each={shown()}>{(id) => <Item id={id} />}</For>
        </ul>
        <Show when={visible().length > limit()}>
          <button type="button" class="secondary small show-more" onClick={() => setLimit(limit() + PAGE)}>
            {t('chat.showMoreChats', { n: Math.min(PAGE, visible().length - limit()) })}
          </button>
        </Show>
      </Show>
      <label class="button-like secondary import-chats" title={t('chat.importHelp')}>
        {t('chat.importChats')}
        <input
          type="file"
          class="visually-hidden"
          accept="application/json,.json"
          aria-label={t('chat.importChats')}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            void onImport(file);
          }}
        />
      </label>
      <p class="help" role="status">
        {notice()}
      </p>
    </nav>
  );
}
