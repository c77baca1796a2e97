import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { createToolList } from '../tools/registry.ts';
import type { Chat, SendResult } from './create-chat.ts';
import { loadDraft, saveDraft } from './drafts.ts';
import { ACCEPTED_IMAGES, prepareImage, type PreparedImage } from './images.ts';

interface Pending {
  key: number;
  image: PreparedImage;
  preview: string;
}

/**
 * Where the person writes. Enter sends, Shift+Enter adds a line (and nothing is sent while an
 * input method is composing), Escape stops. The text is kept as a draft per conversation on
 * this device until it is sent, so a reload or a failed send never loses it. Pictures (for
 * vision models) come from the picker, a paste or a drop; they are resized here.
 */
export function Composer(props: { chat: Chat; registerDrop?: (handler: (files: File[]) => void) => void }) {
  const { t } = useI18n();
  const toolList = createToolList((k) => t(`tools.builtin.${k as 'clock'}`));
  const toolNames = () => new Map(toolList().map((x) => [x.id, x.name]));
  // those that resolve here (one imported from Open WebUI that does not cannot run anyway)
  const shownTools = () => props.chat.chatTools().filter((x) => toolNames().has(x.id));
  const [text, setText] = createSignal(loadDraft(props.chat.id()));
  const [pending, setPending] = createSignal<Pending[]>([]);
  const [notice, setNotice] = createSignal('');
  let area: HTMLTextAreaElement | undefined;
  let nextKey = 0;

  // another conversation: its own draft (and no pictures carried over)
  createEffect(
    on(
      () => props.chat.id(),
      (id) => {
        setText(loadDraft(id));
        clearPending();
        setNotice('');
        queueMicrotask(() => area?.focus());
      },
      { defer: true },
    ),
  );

  const clearPending = () => {
    for (const p of pending()) URL.revokeObjectURL(p.preview);
    setPending([]);
  };
  onCleanup(clearPending);

  const addFiles = async (files: File[]) => {
    const images = files.filter((f) => f.type.startsWith('image/'));
    if (images.length === 0) return;
    if (!props.chat.canAttachImages()) {
      setNotice(t('chat.noVision'));
      return;
    }
    for (const file of images) {
      if (!ACCEPTED_IMAGES.includes(file.type)) {
        setNotice(t('chat.notImage', { name: file.name || file.type }));
        continue;
      }
      const r = await prepareImage(file);
      if (!r.ok) {
        setNotice(r.error === 'not-image' ? t('chat.notImage', { name: file.name }) : t('chat.imageUnreadable', { name: file.name }));
        continue;
      }
      const preview = URL.createObjectURL(new Blob([r.image.data as BlobPart], { type: r.image.mime }));
      setPending((list) => [...list, { key: nextKey++, image: r.image, preview }]);
    }
  };
  props.registerDrop?.((files) => void addFiles(files));

  const running = () => props.chat.runningHere().length > 0;

  const send = () => {
    if (running()) return;
    const result: SendResult = props.chat.send(text(), pending().map((p) => p.image));
    if (result === 'sent') {
      // the conversation id may change (a new chat): clear both drafts
      saveDraft(undefined, '');
      saveDraft(props.chat.id(), '');
      setText('');
      clearPending();
      setNotice('');
    } else if (result === 'no-model') setNotice(t('chat.chooseModelFirst'));
    else if (result === 'disabled') setNotice(t('chat.presetDisabledSend'));
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      send();
    }
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <Show when={pending().length > 0}>
        <ul class="thumbs pending" aria-label={t('chat.attached')}>
          <For each={pending()}>
            {(p, i) => (
              <li>
                <img class="thumb" src={p.preview} alt={t('chat.imageN', { n: i() + 1 })} />
                <button
                  type="button"
                  class="chip-remove"
                  aria-label={t('chat.removeImage', { n: i() + 1 })}
                  onClick={() => {
                    URL.revokeObjectURL(p.preview);
                    setPending((list) => list.filter((x) => x.key !== p.key));
                  }}
                >
                  ×
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      {/* the chosen presets' tools and filters, each switched on or off for this chat */}
      <Show when={shownTools().length > 0}>
        <div class="chat-tools" role="group" aria-label={t('models.extras.chatTools')}>
          <For each={shownTools()}>
            {(x) => (
              <button type="button" class="secondary small" aria-pressed={x.on} onClick={() => props.chat.setChatTool(x.id, !x.on)}>
                {toolNames().get(x.id)}
              </button>
            )}
          </For>
        </div>
      </Show>
      <div class="composer-row">
        <Show when={props.chat.canAttachImages()}>
          <label class="button-like secondary attach" title={t('chat.attachHelp')}>
            <span aria-hidden="true">+</span>
            <span class="visually-hidden">{t('chat.attach')}</span>
            <input
              class="visually-hidden"
              type="file"
              accept={ACCEPTED_IMAGES.join(',')}
              multiple
              aria-label={t('chat.attach')}
              onChange={(e) => {
                const files = [...(e.currentTarget.files ?? [])];
                e.currentTarget.value = '';
                void addFiles(files);
              }}
            />
          </label>
        </Show>
        <textarea
          ref={area}
          class="composer-input"
          aria-label={t('chat.message')}
          aria-describedby="composer-help"
          placeholder={t('chat.placeholder')}
          rows={1}
          value={text()}
          onInput={(e) => {
            setText(e.currentTarget.value);
            saveDraft(props.chat.id(), e.currentTarget.value);
            e.currentTarget.style.height = 'auto';
            e.currentTarget.style.height = `${Math.min(e.currentTarget.scrollHeight, 240)}px`;
          }}
          onKeyDown={onKeyDown}
          onPaste={(e) => {
            const files = [...(e.clipboardData?.files ?? [])].filter((f) => f.type.startsWith('image/'));
            if (files.length > 0) {
              e.preventDefault();
              void addFiles(files);
            }
          }}
        />
        <Show
          when={running()}
          fallback={
            <button type="submit" class="send" disabled={props.chat.readOnly() || (text().trim() === '' && pending().length === 0)}>
              {t('chat.send')}
            </button>
          }
        >
          <button type="button" class="danger send" aria-label={t('chat.stopAll')} onClick={() => props.chat.stopAll()}>
            {t('chat.stop')}
          </button>
        </Show>
      </div>
      <p id="composer-help" class="help composer-help">
        {t('chat.keyboardHelp')}
      </p>
      <p class="error composer-notice" role="status">
        {notice()}
      </p>
    </form>
  );
}
