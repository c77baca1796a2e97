import { createSignal, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { useRepo } from '../../repo/repo-context.tsx';
import { Avatar } from '../Avatar.tsx';
import { processAvatar } from '../avatar.ts';
import { formatBytes } from '../../ollama/format.ts';
import { saveBlob } from '../blobs.ts';
import type { PresetEditing } from '../editing.ts';

export function AvatarPicker(props: { editing: PresetEditing }) {
  const { t, locale } = useI18n();
  const { repo } = useRepo();
  const [error, setError] = createSignal<string | null>(null);
  return (
    <div class="avatar-picker">
      <Avatar url={props.editing.doc.avatar} name={props.editing.doc.name} size={96} />
      <div>
        <label class="button-like secondary">
          {t('models.avatarChange')}
          <input
            class="visually-hidden"
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            aria-label={t('models.avatar')}
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = '';
              if (!file) return;
              const r = await processAvatar(file);
              if (!r.ok) {
                setError(
                  r.error === 'not-image'
                    ? t('models.avatarNotImage')
                    : r.error === 'too-large'
                      ? t('models.avatarTooLarge', { size: formatBytes(r.size ?? 0, locale()) })
                      : t('models.avatarUnreadable'),
                );
                return;
              }
              setError(null);
              const url = saveBlob(repo, r.mime, r.data);
              props.editing.edit('avatar', (d) => {
                d.avatar = url;
              });
            }}
          />
        </label>
        <Show when={props.editing.doc.avatar}>
          <button
            type="button"
            class="secondary"
            onClick={() =>
              props.editing.edit('avatar', (d) => {
                d.avatar = null;
              })
            }
          >
            {t('models.avatarRemove')}
          </button>
        </Show>
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
      </div>
    </div>
  );
}
