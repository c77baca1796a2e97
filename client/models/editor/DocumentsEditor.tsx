import { createSignal, For, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { useWorkspace } from '../../repo/workspace-context.tsx';
import { newId } from '../../../shared/schema/index.ts';
import { saveBlob } from '../blobs.ts';
import { formatBytes } from '../avatar.ts';
import type { PresetEditing } from '../editing.ts';

const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** Files attached to the preset, each stored in its own document (retrieval uses them). */
export function DocumentsEditor(props: { editing: PresetEditing }) {
  const { t } = useI18n();
  const { repo } = useWorkspace();
  const [error, setError] = createSignal<string | null>(null);
  const attach = async (files: FileList | null | undefined) => {
    setError(null);
    for (const file of Array.from(files ?? [])) {
      if (file.size > MAX_DOCUMENT_BYTES) {
        setError(t('models.documentTooLarge', { name: file.name, size: formatBytes(file.size) }));
        continue;
      }
      const url = saveBlob(repo, file.type || 'application/octet-stream', new Uint8Array(await file.arrayBuffer()));
      props.editing.edit('knowledge', (d) => {
        d.knowledge[newId()] = { name: file.name, type: file.type || 'file', url, externalId: null };
      });
    }
  };
  const entries = () => Object.entries(props.editing.doc.knowledge).sort(([, a], [, b]) => a.name.localeCompare(b.name));
  return (
    <fieldset
      class="documents"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        void attach(e.dataTransfer?.files);
      }}
    >
      <legend>{t('models.documents')}</legend>
      <p class="help">{t('models.documentsHelp')}</p>
      <ul>
        <For each={entries()}>
          {([id, k]) => (
            <li class="document-item">
              <span>{k.name}</span>
              <Show when={!k.url}>
                <span class="badge">{t('models.documentUnavailable')}</span>
              </Show>
              <button
                type="button"
                class="secondary small"
                aria-label={t('models.documentRemove', { name: k.name })}
                onClick={() =>
                  props.editing.edit('knowledge', (d) => {
                    delete d.knowledge[id];
                  })
                }
              >
                ×
              </button>
            </li>
          )}
        </For>
      </ul>
      <label class="button-like secondary">
        {t('models.documentAttach')}
        <input class="visually-hidden" type="file" multiple onChange={(e) => void attach(e.currentTarget.files)} />
      </label>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </fieldset>
  );
}
