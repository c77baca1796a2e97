import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { useWorkspace } from '../../repo/workspace-context.tsx';
import { purge, restoreFromTrash } from '../../../shared/schema/index.ts';
import { usePresets } from '../../models/presets-context.tsx';
import { ConversationTrash } from '../../chat/ConversationTrash.tsx';
import { createConversationIndex } from '../../chat/conversation-index.ts';

export function DataSettings() {
  const { t } = useI18n();
  const { workspace } = useWorkspace();
  const presets = usePresets();
  const trashedConversations = createConversationIndex(workspace, 'trash');
  return (
    <section aria-labelledby="data-title">
      <h2 id="data-title">{t('data.title')}</h2>
      <h3 id="trash-title">{t('data.trash')}</h3>
      <Show when={presets.trashed().length === 0 && trashedConversations().length === 0}>
        <p>{t('data.trashEmpty')}</p>
      </Show>
      <Show when={presets.trashed().length > 0}>
        <h4 id="trash-presets-title">{t('nav.models')}</h4>
        <ul aria-labelledby="trash-presets-title">
          <For each={presets.trashed()}>
            {(p) => {
              const name = () => p.doc()?.name ?? p.id;
              return (
                <li class="trash-item" aria-label={name()}>
                  <span>{name()}</span>
                  <button type="button" onClick={() => workspace()?.change((d) => restoreFromTrash(d.presets[p.id]))}>
                    {t('common.restore')}
                  </button>
                  <button
                    type="button"
                    class="danger"
                    onClick={() => {
                      if (confirm(t('data.purgeConfirm', { name: name() }))) workspace()?.change((d) => purge(d.presets[p.id]));
                    }}
                  >
                    {t('data.purge')}
                  </button>
                </li>
              );
            }}
          </For>
        </ul>
      </Show>
      <Show when={trashedConversations().length > 0}>
        <ConversationTrash />
      </Show>
    </section>
  );
}
