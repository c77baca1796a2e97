import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { createToolList } from '../tools/registry.ts';
import type { Chat, SendResult } from './create-chat.ts';
import { loadDraft, saveDraft } from './drafts.ts';
import { ACCEPTED_IMAGES, prepareImage, type PreparedImage } from './images.ts';
import { ACCEPTED_FILES, fileProblem } from './attachments/accept.ts';
import { prepareFile, type PreparedFile } from './attachments/prepare-file.ts';
import { FileChips } from './attachments/FileChips.tsx';
import { MAX_FILES_PER_MESSAGE } from '../../shared/chat/attachments.ts';

interface Pending {
  key: number;
  image: PreparedImage;
  preview: string;
}

/**
 * Where the person writes. Enter sends, Shift+Enter adds a line (and nothing is sent while an
 * input method is composing), Escape stops. The text is kept as a draft per conversation on
 * this device until it is sent, so a reload or a failed send never loses it. Pictures (for
 * vision models) come from the picker, a paste or a drop; they are resized here. Text files and
 * PDFs (when the presets offer file upload) are read here too: only their text is sent and kept.
 */
export function Composer(props: { chat: Chat; registerDrop?: (handler: (files: File[]) => void) => void }) {
  const { t } = useI18n();
  const toolList = createToolList((k) => t(`tools.builtin.${k as 'clock'}`));
  const toolNames = () => new Map(toolList().map((x) => [x.id, x.name]));
  // those that resolve here (one imported from Open WebUI that does not cannot run anyway)
  const shownTools = () => props.chat.chatTools().filter((x) => toolNames().has(x.id));
  const [text, setText] = createSignal(loadDraft(props.chat.id()));
  const [pending, setPending] = createSignal<Pending[]>([]);
  const [pendingFiles, setPendingFiles] = createSignal<Array<{ key: number; file: PreparedFile }>>([]);
  const [reading, setReading] = createSignal(0);
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
    setPendingFiles([]);
  };
  onCleanup(clearPending);

  /** text files and PDFs: read one by one; a file that cannot be attached is said, the others still come */
  const addDocuments = async (files: File[]) => {
    if (files.length === 0) return;
    if (!props.chat.canAttachFiles()) {
      setNotice(t('chat.noFileUpload'));
      return;
    }
    setNotice('');
    for (const file of files) {
      if (pendingFiles().length >= MAX_FILES_PER_MESSAGE) {
        setNotice(t('chat.tooManyFiles', { n: MAX_FILES_PER_MESSAGE }));
        return;
      }
      setReading((n) => n + 1);
      setNotice(t('chat.readingFile', { name: file.name }));
      const r = await prepareFile(file).finally(() => setReading((n) => n - 1));
      if (r.ok) {
        setPendingFiles((list) => [...list, { key: nextKey++, file: r.file }]);
        setNotice('');
      } else setNotice(fileProblem(t, file.name, r));
    }
  };

  const addFiles = async (all: File[]) => {
    await addDocuments(all.filter((f) => !f.type.startsWith('image/')));
    const images = all.filter((f) => f.type.startsWith('image/'));
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
    if (running() || reading() > 0) return;
    const result: SendResult = props.chat.send(
      text(),
      pending().map((p) => p.image),
      pendingFiles().map((p) => p.file),
    );
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
      <Show when={pendingFiles().length > 0}>
        <FileChips
          files={pendingFiles().map((p) => p.file)}
          onRemove={(i) => setPendingFiles((list) => list.filter((_, j) => j !== i))}
        />
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
        <Show when={props.chat.canAttachFiles()}>
          <label class="button-like secondary attach" title={props.chat.canAttachImages() ? `${t('chat.attachHelp')} ${t('chat.attachFilesHelp')}` : t('chat.attachFilesHelp')}>
            <span aria-hidden="true">+</span>
            <input
              class="visually-hidden"
              type="file"
              accept={[...(props.chat.canAttachImages() ? ACCEPTED_IMAGES : []), ...ACCEPTED_FILES].join(',')}
              multiple
              aria-label={props.chat.canAttachImages() ? t('chat.attachImagesAndFiles') : t('chat.attachFiles')}
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
            <button
              type="submit"
              class="send"
              disabled={props.chat.readOnly() || reading() > 0 || (text().trim() === '' && pending().length === 0 && pendingFiles().length === 0)}
            >
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
