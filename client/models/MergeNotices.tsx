import { createMemo, createSignal, For, onCleanup, Show, type Accessor } from 'solid-js';
import type { DocHandleChangePayload } from '@automerge/automerge-repo';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { entryState, forgetUndonePurge, purgeUndone, storedString, type WorkspaceDoc } from '../../shared/schema/index.ts';
import type { DocStore } from '../store/create-doc-store.ts';
import { usePresets } from './presets-context.tsx';

interface Notice {
  key: string;
  /** what the notice is about, for the dismiss button's name */
  name: string;
  text: string;
  dismiss: () => void;
}

const TOMBSTONE_FIELDS = new Set<unknown>(['deletedAt', 'purgedAt', 'purgedFrom', 'keptBy', 'purgedKept', 'title']);

/**
 * Conversations whose purge an edit made elsewhere undid. Read from the document's snapshot, and
 * again only when a change touches an entry's tombstone or title (walking 5,000 entries through
 * store proxies at every change would cost every change).
 */
function createUndoneConversations(
  workspace: Accessor<DocStore<WorkspaceDoc> | undefined>,
): Accessor<Array<{ id: string; title: string; inTrash: boolean }>> {
  const source = createMemo(() => {
    const ws = workspace();
    if (!ws) return undefined;
    const [version, setVersion] = createSignal(0);
    const onChange = ({ patches }: DocHandleChangePayload<WorkspaceDoc>) => {
      const touches = patches.some((p) => p.path[0] === 'conversations' && (p.path.length <= 2 || TOMBSTONE_FIELDS.has(p.path[2])));
      if (touches) setVersion((v) => v + 1);
    };
    ws.handle.on('change', onChange);
    onCleanup(() => ws.handle.off('change', onChange));
    return { handle: ws.handle, version };
  });
  return createMemo(() => {
    const s = source();
    if (!s) return [];
    s.version();
    const all = s.handle.doc()?.conversations ?? {};
    const out: Array<{ id: string; title: string; inTrash: boolean }> = [];
    for (const id in all) {
      const e = all[id];
      if (e && purgeUndone(e)) out.push({ id, title: storedString(e.title), inTrash: entryState(e) === 'trash' });
    }
    return out;
  });
}

/**
 * What changed on its own when devices met, so nothing changes silently: a preset whose model ID
 * was made unique, a preset or conversation that came back after "Delete forever" because it was
 * edited elsewhere (live, or in the Trash when the delete stands). Each notice lives in the synced
 * documents until dismissed on any device.
 */
export function MergeNotices() {
  const { t } = useI18n();
  const { workspace } = useWorkspaceDoc();
  const presets = usePresets();
  const undoneConversations = createUndoneConversations(workspace);
  const notices = createMemo<Notice[]>(() => {
    const ws = workspace();
    if (!ws) return [];
    const out: Notice[] = [];
    for (const p of presets.all()) {
      const d = p.doc();
      const entry = p.entry();
      if (!d || !entry) continue;
      const name = d.name || d.slug;
      if (purgeUndone(entry)) {
        out.push({
          key: `revived:${p.id}`,
          name,
          // back in the Trash when the delete stands (the edit there never saw it)
          text: t(entryState(entry) === 'trash' ? 'models.revivedPresetInTrash' : 'models.revivedPreset', { name }),
          dismiss: () => ws.change((w) => forgetUndonePurge(w.presets[p.id])),
        });
      }
      const changed = d.slugChanged;
      if (changed && changed.to === d.slug) {
        out.push({
          key: `slug:${p.id}`,
          name,
          text: t('models.slugChanged', { from: changed.from, to: changed.to, name }),
          dismiss: () =>
            p.opened.store()?.change((doc) => {
              doc.slugChanged = null;
            }),
        });
      }
    }
    for (const { id, title, inTrash } of undoneConversations()) {
      const name = title || t('chat.untitled');
      out.push({
        key: `revived:${id}`,
        name,
        text: t(inTrash ? 'models.revivedConversationInTrash' : 'models.revivedConversation', { name }),
        dismiss: () => ws.change((w) => forgetUndonePurge(w.conversations[id])),
      });
    }
    return out;
  });
  return (
    <Show when={notices().length > 0}>
      <section class="merge-notices" aria-label={t('models.notices')}>
        <ul>
          <For each={notices()}>
            {(n) => (
              <li class="banner" role="status">
                <span>{n.text}</span>{' '}
                <button type="button" class="secondary small" aria-label={t('models.dismissNotice', { name: n.name })} onClick={() => n.dismiss()}>
                  {t('models.dismiss')}
                </button>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
