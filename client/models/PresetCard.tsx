import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { unwrap } from 'solid-js/store';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspace } from '../repo/workspace-context.tsx';
import { presetTags, type PresetDoc } from '../../shared/schema/index.ts';
import { Avatar } from './Avatar.tsx';
import { usePresets, type PresetItem } from './presets-context.tsx';
import { clonePreset, exportOne, shareLink, shareToCommunity, trashPreset } from './preset-actions.ts';

/** One preset in the list, with every action of the seed page. */
export function PresetCard(props: { item: PresetItem; doc: PresetDoc; onMessage: (m: string) => void }) {
  const { t } = useI18n();
  const { repo, workspace } = useWorkspace();
  const presets = usePresets();
  const [shareOpen, setShareOpen] = createSignal(false);
  const plain = () => structuredClone(unwrap(props.doc));
  const change = (fn: (d: PresetDoc) => void) => props.item.opened.store()?.change(fn);

  return (
    <li class="preset-card" aria-label={props.doc.name}>
      <div class="preset-head">
        <Avatar url={props.doc.avatar} name={props.doc.name} />
        <div class="preset-titles">
          <strong class="preset-name">{props.doc.name}</strong>
          <span class="preset-id">{props.doc.slug}</span>
        </div>
        <Show when={props.doc.hidden}>
          <span class="badge">{t('models.hiddenBadge')}</span>
        </Show>
      </div>
      <span class="preset-base">{props.doc.baseModel}</span>
      <Show when={props.doc.description}>
        <p class="preset-description">{props.doc.description}</p>
      </Show>
      <Show when={presetTags(props.doc).length > 0}>
        <ul class="tags" aria-label={t('models.tags')}>
          <For each={presetTags(props.doc)}>{(tag) => <li class="tag">{tag}</li>}</For>
        </ul>
      </Show>
      <div class="card-actions" role="group" aria-label={t('models.actionsFor', { name: props.doc.name })}>
        <A class="button-like" href={`/models/${props.item.id}`}>
          {t('models.edit')}
        </A>
        <button
          type="button"
          onClick={() => {
            const ws = workspace();
            if (!ws) return;
            const copy = clonePreset(repo, ws, plain(), presets.takenSlugs(), t('models.cloneSuffix'));
            props.onMessage(t('models.cloned', { name: copy.name }));
          }}
        >
          {t('models.clone')}
        </button>
        <button type="button" aria-expanded={shareOpen()} onClick={() => setShareOpen(!shareOpen())}>
          {t('models.share')}
        </button>
        <button type="button" onClick={() => void exportOne(repo, plain())}>
          {t('models.export')}
        </button>
        <button
          type="button"
          onClick={() =>
            change((d) => {
              d.hidden = !d.hidden;
              d.updatedAt = Date.now();
            })
          }
        >
          {props.doc.hidden ? t('models.show') : t('models.hide')}
        </button>
        <button
          type="button"
          class="danger"
          onClick={() => {
            const ws = workspace();
            if (ws && confirm(t('models.deleteConfirm', { name: props.doc.name }))) {
              trashPreset(ws, props.item.id);
              props.onMessage(t('models.movedToTrash', { name: props.doc.name }));
            }
          }}
        >
          {t('models.delete')}
        </button>
      </div>
      <Show when={shareOpen()}>
        <div class="share-menu" role="group" aria-label={t('models.share')}>
          <button type="button" class="secondary" onClick={() => void shareToCommunity(repo, plain())}>
            {t('models.shareCommunity')}
          </button>
          <button
            type="button"
            class="secondary"
            onClick={async () => {
              const link = await shareLink(repo, plain());
              await navigator.clipboard?.writeText(link).catch(() => undefined);
              props.onMessage(t('models.shareLinkCopied'));
              setShareOpen(false);
            }}
          >
            {t('models.copyShareLink')}
          </button>
        </div>
      </Show>
    </li>
  );
}
