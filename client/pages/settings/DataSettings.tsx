import { createMemo, For, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { useWorkspace } from '../../repo/workspace-context.tsx';
import { entryState, purge, restoreFromTrash, type PresetDoc } from '../../../shared/schema/index.ts';
import { createOpenedDoc } from '../../store/create-opened-doc.ts';

function TrashedPreset(props: { id: string; url: string }) {
  const { t } = useI18n();
  const { repo, workspace } = useWorkspace();
  const opened = createOpenedDoc<PresetDoc>(repo, () => props.url, 'atelier/preset');
  const name = () => opened.store()?.doc.name ?? props.id;
  return (
    <li class="trash-item">
      <span>{name()}</span>
      <button type="button" aria-label={`${t('common.restore')} ${name()}`} onClick={() => workspace()?.change((d) => restoreFromTrash(d.presets[props.id]))}>
        {t('common.restore')}
      </button>
      <button
        type="button"
        class="danger"
        aria-label={`${t('data.purge')} ${name()}`}
        onClick={() => workspace()?.change((d) => purge(d.presets[props.id]))}
      >
        {t('data.purge')}
      </button>
    </li>
  );
}

export function DataSettings() {
  const { t } = useI18n();
  const { workspace } = useWorkspace();
  const trashed = createMemo(() => Object.entries(workspace()?.doc.presets ?? {}).filter(([, e]) => entryState(e) === 'trash'));
  return (
    <section aria-labelledby="data-title">
      <h2 id="data-title">{t('data.title')}</h2>
      <h3>{t('data.trash')}</h3>
      <Show when={trashed().length > 0} fallback={<p>{t('data.trashEmpty')}</p>}>
        <ul aria-label={t('data.trash')}>
          <For each={trashed()}>{([id, e]) => <TrashedPreset id={id} url={e.url} />}</For>
        </ul>
      </Show>
    </section>
  );
}
