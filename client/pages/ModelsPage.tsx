import { createMemo, createSignal, For, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspace } from '../repo/workspace-context.tsx';
import { entryState, type PresetDoc } from '../../shared/schema/index.ts';
import { deriveSlug, uniqueSlug } from '../../shared/presets/slug.ts';
import { createPreset } from '../models/create-preset.ts';
import { createOpenedDoc } from '../store/create-opened-doc.ts';

function PresetCard(props: { url: string }) {
  const { repo } = useWorkspace();
  const opened = createOpenedDoc<PresetDoc>(repo, () => props.url, 'atelier/preset');
  return (
    <Show when={opened.store()}>
      {(s) => (
        <li class="preset-card" aria-label={s().doc.name}>
          <strong class="preset-name">{s().doc.name}</strong>
          <span class="preset-id">{s().doc.slug}</span>
          <span class="preset-base">{s().doc.baseModel}</span>
        </li>
      )}
    </Show>
  );
}

export function ModelsPage() {
  const { t } = useI18n();
  const { repo, workspace } = useWorkspace();
  const [creating, setCreating] = createSignal(false);
  const live = createMemo(() =>
    Object.entries(workspace()?.doc.presets ?? {})
      .filter(([, e]) => entryState(e) === 'live')
      .sort(([, a], [, b]) => b.addedAt - a.addedAt),
  );
  return (
    <section aria-labelledby="models-title">
      <div class="page-head">
        <h1 id="models-title">{t('models.title')}</h1>
        <button type="button" onClick={() => setCreating(true)}>
          {t('models.new')}
        </button>
      </div>
      <Show when={creating()}>
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            const ws = workspace();
            const f = new FormData(e.currentTarget);
            const name = String(f.get('name') ?? '').trim();
            const baseModel = String(f.get('baseModel') ?? '').trim();
            if (!ws || !name) return;
            const taken = new Set<string>();
            createPreset(repo, ws, { slug: uniqueSlug(deriveSlug(name), taken), name, baseModel });
            setCreating(false);
          }}
        >
          <label class="field">
            <span>{t('models.name')}</span>
            <input name="name" required />
          </label>
          <label class="field">
            <span>{t('models.baseModel')}</span>
            <input name="baseModel" />
          </label>
          <button type="submit">{t('models.create')}</button>
          <button type="button" class="secondary" onClick={() => setCreating(false)}>
            {t('common.cancel')}
          </button>
        </form>
      </Show>
      <Show when={live().length > 0} fallback={<p>{t('models.empty')}</p>}>
        <ul class="preset-grid" aria-label={t('models.list')}>
          <For each={live()}>{([, e]) => <PresetCard url={e.url} />}</For>
        </ul>
      </Show>
    </section>
  );
}
