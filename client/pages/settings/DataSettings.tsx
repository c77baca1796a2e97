import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { useWorkspaceDoc } from '../../workspace/workspace-doc-context.tsx';
import { purge, restoreFromTrash } from '../../../shared/schema/index.ts';
import { usePresets } from '../../models/presets-context.tsx';
import { ConversationTrash } from '../../chat/ConversationTrash.tsx';
import { createConversationIndex } from '../../chat/conversation-index.ts';
import { TrashItem } from '../../components/TrashItem.tsx';
import { StorageHealth } from '../../data/StorageHealth.tsx';
import { BackupPanel } from '../../data/BackupPanel.tsx';

export function DataSettings() {
  const { t } = useI18n();
  const { workspace } = useWorkspaceDoc();
  const presets = usePresets();
  const trashedConversations = createConversationIndex(workspace, 'trash');
  return (
    <section aria-labelledby="data-title">
      <h2 id="data-title">{t('data.title')}</h2>
      <StorageHealth />
      <BackupPanel />
      <h3 id="trash-title">{t('data.trash')}</h3>
      <Show when={presets.trashed().length === 0 && trashedConversations().length === 0}>
        <p>{t('data.trashEmpty')}</p>
      </Show>
      <Show when={presets.trashed().length > 0}>
        <h4 id="trash-presets-title">{t('nav.models')}</h4>
        <ul aria-labelledby="trash-presets-title">
          <For each={presets.trashed()}>
            {(p) => (
              <TrashItem
                name={p.doc()?.name ?? p.id}
                onRestore={() => workspace()?.change((d) => restoreFromTrash(d.presets[p.id]))}
                onPurge={() => workspace()?.change((d) => purge(d.presets[p.id]))}
              />
            )}
          </For>
        </ul>
      </Show>
      <Show when={trashedConversations().length > 0}>
        <ConversationTrash />
      </Show>
    </section>
  );
}
