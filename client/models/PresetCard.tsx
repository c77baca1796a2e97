import { A } from '@solidjs/router';
import { createSignal, For, Show } from 'solid-js';
import { unwrap } from 'solid-js/store';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspace } from '../repo/workspace-context.tsx';
import { presetTags, type PresetDoc, type PresetView } from '../../shared/schema/index.ts';
import { sameModelName } from '../../shared/ollama/pull-name.ts';
import { Avatar } from './Avatar.tsx';
import { ActionsMenu } from './ActionsMenu.tsx';
import { PullOffer } from '../ollama/PullOffer.tsx';
import { usePresets, type PresetItem } from './presets-context.tsx';
import { clonePreset, exportOne, shareLink, shareToCommunity, trashPreset } from './preset-actions.ts';
import { exportMessage } from './export-message.ts';
import { LinkDialog } from './LinkDialog.tsx';

/**
 * One preset in the list. Edit and Share stay on the card; the other actions (Clone, Export,
 * Hide/Show, Delete) are in its "More actions" menu, so a phone shows several cards at once.
 * `onDelete` is told the card's element before it goes (its neighbours are known only then)
 * and returns what to do once it is gone (move the focus).
 */
export function PresetCard(props: { item: PresetItem; doc: PresetView; onMessage: (m: string) => void; onDelete?: (card: HTMLElement) => () => void }) {
  const { t, locale } = useI18n();
  const { repo, workspace, ollamaModels } = useWorkspace();
  const presets = usePresets();
  const [shareOpen, setShareOpen] = createSignal(false);
  /** a share link the clipboard did not take: shown to copy by hand */
  const [manualLink, setManualLink] = createSignal<{ link: string; note: string | null } | null>(null);
  const plain = () => structuredClone(unwrap(props.doc));
  const change = (fn: (d: PresetDoc) => void) => props.item.opened.store()?.change(fn);
  let card: HTMLLIElement | undefined;
  let shareButton: HTMLButtonElement | undefined;
  // only said once the installed list is known (an empty list may just be "not asked yet")
  const baseMissing = () => {
    const installed = ollamaModels.models();
    return installed.length > 0 && props.doc.baseModel !== '' && !installed.some((m) => m.name === props.doc.baseModel || sameModelName(m.name, props.doc.baseModel));
  };

  const closeShare = () => {
    setShareOpen(false);
    shareButton?.focus();
  };

  return (
    <li
      class="preset-card"
      aria-label={props.doc.name}
      ref={card}
      onKeyDown={(e) => {
        // Escape closes the Share menu wherever the focus is in the card (its menu handles its own)
        if (e.key !== 'Escape' || !shareOpen()) return;
        e.preventDefault();
        closeShare();
      }}
    >
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
      <span class="preset-base">
        {props.doc.baseModel}
        <Show when={baseMissing()}>
          {' '}
          <span class="badge warning">{t('models.baseNotInstalled')}</span>
        </Show>
      </span>
      <Show when={baseMissing()}>
        <PullOffer query={props.doc.baseModel} exact />
      </Show>
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
        <button type="button" ref={shareButton} aria-expanded={shareOpen()} onClick={() => setShareOpen(!shareOpen())}>
          {t('models.share')}
        </button>
        <ActionsMenu
          label={t('models.moreActionsFor', { name: props.doc.name })}
          text={t('models.moreActions')}
          actions={[
            {
              label: t('models.clone'),
              onSelect: () => {
                const ws = workspace();
                if (!ws) return;
                const copy = clonePreset(repo, ws, plain(), presets.takenSlugs(), t('models.cloneSuffix'));
                props.onMessage(t('models.cloned', { name: copy.name }));
              },
            },
            { label: t('models.export'), onSelect: () => void exportOne(repo, plain()).then((r) => props.onMessage(exportMessage(t, locale(), r))) },
            {
              label: props.doc.hidden ? t('models.show') : t('models.hide'),
              onSelect: () =>
                change((d) => {
                  d.hidden = !d.hidden;
                  d.updatedAt = Date.now();
                }),
            },
            {
              label: t('models.delete'),
              danger: true,
              onSelect: () => {
                const ws = workspace();
                if (ws && confirm(t('models.deleteConfirm', { name: props.doc.name }))) {
                  const name = props.doc.name;
                  const after = card ? props.onDelete?.(card) : undefined;
                  trashPreset(ws, props.item.id);
                  props.onMessage(t('models.movedToTrash', { name }));
                  after?.();
                }
              },
            },
          ]}
        />
      </div>
      <Show when={shareOpen()}>
        <div class="share-menu" role="group" aria-label={t('models.share')}>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              const opened = shareToCommunity(repo, plain());
              props.onMessage(opened ? t('models.transfer.communityOpened') : t('models.transfer.communityBlocked'));
            }}
          >
            {t('models.shareCommunity')}
          </button>
          <button
            type="button"
            class="secondary"
            onClick={async () => {
              const shared = await shareLink(repo, plain());
              const leftOut =
                [
                  shared.tooLarge.length > 0 ? t('models.transfer.linkLeftOut', { names: shared.tooLarge.join(', ') }) : '',
                  shared.unavailable.length > 0 ? t('models.transfer.linkUnavailable', { names: shared.unavailable.join(', ') }) : '',
                ]
                  .filter(Boolean)
                  .join(' ') || null;
              // "copied" only when the clipboard took it; otherwise the link is shown to copy by hand
              const copied = navigator.clipboard
                ? await navigator.clipboard.writeText(shared.link).then(
                    () => true,
                    () => false,
                  )
                : false;
              setShareOpen(false);
              if (!copied) {
                setManualLink({ link: shared.link, note: leftOut });
                return;
              }
              const base = shared.documents > 0 ? t('models.transfer.linkCopiedWithDocuments', { n: shared.documents }) : t('models.shareLinkCopied');
              props.onMessage(leftOut ? `${base} ${leftOut}` : base);
            }}
          >
            {t('models.copyShareLink')}
          </button>
        </div>
      </Show>
      <Show when={manualLink()}>
        {(m) => <LinkDialog link={m().link} note={m().note} onClose={() => setManualLink(null)} />}
      </Show>
    </li>
  );
}
