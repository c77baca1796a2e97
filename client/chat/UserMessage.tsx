import { createSignal, For, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { siblings } from '../../shared/chat/tree.ts';
import type { Chat } from './create-chat.ts';
import { SiblingNav } from './SiblingNav.tsx';
import { BlobImage } from './BlobImage.tsx';
import { CopyButton } from './CopyButton.tsx';
import { FileChips } from './attachments/FileChips.tsx';
import { filesOf } from '../../shared/chat/attachments.ts';

/** A message of the person: its text and pictures, Copy, Edit (a new branch), and `< 1/2 >` between edits. */
export function UserMessage(props: { chat: Chat; id: string }) {
  const { t } = useI18n();
  const m = () => props.chat.doc()?.messages[props.id];
  const [editing, setEditing] = createSignal(false);
  const [draft, setDraft] = createSignal('');
  const sibs = () => {
    const d = props.chat.doc();
    return d ? siblings(d.messages, props.id) : { ids: [props.id], index: 0 };
  };
  const save = () => {
    const text = draft();
    if (text.trim() === '') return;
    setEditing(false);
    props.chat.edit(props.id, text);
  };

  return (
    <Show when={m()}>
      {(msg) => (
        <article class="message user-message" aria-label={t('chat.you')}>
          <Show when={msg().images.length > 0}>
            <div class="thumbs">
              <For each={msg().images}>{(url, i) => <BlobImage url={url} alt={t('chat.imageN', { n: i() + 1 })} />}</For>
            </div>
          </Show>
          <Show when={filesOf(msg()).length > 0}>
            <FileChips files={filesOf(msg())} />
          </Show>
          <Show
            when={editing()}
            fallback={
              <div class="bubble">
                <p class="user-text">{msg().content}</p>
              </div>
            }
          >
            <form
              class="edit-form"
              onSubmit={(e) => {
                e.preventDefault();
                save();
              }}
            >
              <textarea
                aria-label={t('chat.editLabel')}
                value={draft()}
                rows={Math.min(12, Math.max(2, draft().split('\n').length))}
                onInput={(e) => setDraft(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                    e.preventDefault();
                    save();
                  } else if (e.key === 'Escape') {
                    e.preventDefault();
                    e.stopPropagation();
                    setEditing(false);
                  }
                }}
                ref={(el) => queueMicrotask(() => el.focus())}
              />
              <div class="row-actions">
                <button type="submit" disabled={draft().trim() === '' || props.chat.models().length === 0}>
                  {t('chat.saveAndSend')}
                </button>
                <button type="button" class="secondary" onClick={() => setEditing(false)}>
                  {t('chat.cancel')}
                </button>
              </div>
            </form>
          </Show>
          <Show when={!editing()}>
            <div class="message-actions">
              <SiblingNav index={sibs().index} total={sibs().ids.length} onGo={(i) => props.chat.select(sibs().ids[i] ?? props.id)} />
              <CopyButton text={msg().content} label={t('chat.copyMessage')} />
              <Show when={!props.chat.readOnly()}>
                <button
                  type="button"
                  class="secondary small"
                  onClick={() => {
                    setDraft(msg().content);
                    setEditing(true);
                  }}
                >
                  {t('chat.edit')}
                </button>
              </Show>
            </div>
          </Show>
        </article>
      )}
    </Show>
  );
}
