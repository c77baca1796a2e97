import { TrashItem } from '../components/TrashItem.tsx';
import { For, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { purge, restoreFromTrash } from '../../shared/schema/index.ts';
import { createConversationIndex } from './conversation-index.ts';
import { forgetView } from './view-cache.ts';

/**
 * The conversations part of the Trash (Settings › Data). "Delete forever" keeps the index
 * entry as a tombstone, so a device that was offline cannot bring the conversation back.
 */
export function ConversationTrash() {
  const { t } = useI18n();
  const { workspace } = useWorkspaceDoc();
  const trashed = createConversationIndex(workspace, 'trash');
  return (
    <>
      <h4 id="trash-conversations-title">{t('chat.trashTitle')}</h4>
      <Show when={trashed().length > 0} fallback={<p class="help">{t('chat.trashEmpty')}</p>}>
        <ul aria-labelledby="trash-conversations-title">
          <For each={trashed().map((i) => i.id)}>
            {(id) => {
              const name = () => workspace()?.doc.conversations[id]?.title || t('chat.untitled');
              return (
                <TrashItem
                  name={name()}
                  onRestore={() => workspace()?.change((d) => restoreFromTrash(d.conversations[id]))}
                  onPurge={() => {
                    workspace()?.change((d) => purge(d.conversations[id]));
                    // the saved view holds the conversation's text too
                    void forgetView(id);
                  }}
                />
              );
            }}
          </For>
        </ul>
      </Show>
    </>
  );
}
