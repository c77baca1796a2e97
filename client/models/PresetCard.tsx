import { A, useNavigate } from '@solidjs/router';
import { createSignal, For, lazy, Show } from 'solid-js';
import { unwrap } from 'solid-js/store';
import { useI18n } from '../i18n/context.tsx';
import { useRepo } from '../repo/repo-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { useOllamaModels } from '../ollama/known-models-context.tsx';
import { presetTags, type PresetDoc, type PresetView } from '../../shared/schema/index.ts';
import { sameModelName } from '../../shared/ollama/pull-name.ts';
import { Avatar } from './Avatar.tsx';
import { ActionsMenu } from './ActionsMenu.tsx';
import { PullOffer } from '../ollama/PullOffer.tsx';
import { usePresets, type PresetItem } from './presets-context.tsx';
import { chatLink, clonePreset, exportOne, previewJson, shareLink, shareToCommunity, trashPreset } from './preset-actions.ts';
import { copyText } from '../components/copy.ts';
import { exportMessage } from './export-message.ts';
import { LinkDialog } from './LinkDialog.tsx';
import { resolveBaseModel } from '../../shared/presets/fallback.ts';

const JsonPreviewDialog = lazy(() => import('./JsonPreviewDialog.tsx').then((m) => ({ default: m.JsonPreviewDialog })));

/** What the list tells a card about its place among the cards shown, and how to move it. */
export interface CardPlace {
  index: number;
  total: number;
  /** one step up (-1) or down (1) among the cards shown */
  move: (step: -1 | 1) => void;
  dragStart: () => void;
  /** another card was dropped on this one */
  dropOn: () => void;
  /** this card is the one being dragged */
  dragging: () => boolean;
  /** another card is being dragged (this one may take it) */
  accepts: () => boolean;
}

/** Clicks on these start no chat: they have a job of their own. */
const OWN_CONTROLS = 'a, button, input, label, select, textarea, dialog, [role="menu"], .share-menu';

/**
 * One preset in the list. Edit, Share and the Enabled switch stay on the card; the other
 * actions (Clone, Export, Hide/Show, Move up/down, Pin, Copy link, Preview JSON, Delete) are in
 * its "More actions" menu, so a phone shows several cards at once. A click on the card (not on
 * a control) or Enter on the focused card opens a new chat with it; Alt+Up/Down moves it.
 * `onDelete` is told the card's element before it goes (its neighbours are known only then)
 * and returns what to do once it is gone (move the focus).
 */
export function PresetCard(props: {
  item: PresetItem;
  doc: PresetView;
  place: CardPlace;
  describedBy?: string;
  onMessage: (m: string) => void;
  onDelete?: (card: HTMLElement) => () => void;
}) {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const [previewOpen, setPreviewOpen] = createSignal(false);
  const disabled = () => props.doc.disabled === true;
  const pinned = () => props.item.entry()?.pinned === true;
  /** a click on the card (not its controls) or Enter on it: a new chat with this preset */
  const startChat = () => {
    if (disabled()) props.onMessage(t('models.presetList.disabledCannotChat', { name: props.doc.name }));
    else navigate(`/chat?preset=${encodeURIComponent(props.item.id)}`);
  };
  const move = (step: -1 | 1) => {
    props.place.move(step);
    // the card's element moved in the list, which drops its focus: give it back
    queueMicrotask(() => card?.focus());
  };
  const { repo } = useRepo();
  const { workspace } = useWorkspaceDoc();
  const ollamaModels = useOllamaModels();
  const presets = usePresets();
  const [shareOpen, setShareOpen] = createSignal(false);
  /** a share link the clipboard did not take: shown to copy by hand */
  const [manualLink, setManualLink] = createSignal<{ link: string; note: string | null; chat?: boolean } | null>(null);
  const plain = () => structuredClone(unwrap(props.doc));
  const change = (fn: (d: PresetDoc) => void) => props.item.opened.store()?.change(fn);
  let card: HTMLLIElement | undefined;
  let shareButton: HTMLButtonElement | undefined;
  // only said once the installed list is known (an empty list may just be "not asked yet")
  const baseMissing = () => {
    const installed = ollamaModels.models();
    return installed.length > 0 && props.doc.baseModel !== '' && !installed.some((m) => m.name === props.doc.baseModel || sameModelName(m.name, props.doc.baseModel));
  };

  /** the fallback a chat runs on here, when the base model is missing and one of them is installed */
  const runsOn = () => {
    if (!baseMissing()) return null;
    const run = resolveBaseModel(props.doc.baseModel, props.doc.fallbackModels ?? [], ollamaModels.models().map((m) => m.name));
    return run.missing ? run.model : null;
  };

  const closeShare = () => {
    setShareOpen(false);
    shareButton?.focus();
  };

  return (
    <li
      class="preset-card"
      classList={{ disabled: disabled(), dragging: props.place.dragging() }}
      aria-label={props.doc.name}
      aria-describedby={props.describedBy}
      aria-keyshortcuts="Enter Alt+ArrowUp Alt+ArrowDown"
      tabIndex={0}
      ref={card}
      draggable={true}
      onDragStart={(e) => {
        if (e.target !== card) return;
        e.dataTransfer?.setData('text/plain', props.doc.name);
        if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
        props.place.dragStart();
      }}
      onDragOver={(e) => {
        if (props.place.accepts()) e.preventDefault();
      }}
      onDrop={(e) => {
        if (!props.place.accepts()) return;
        e.preventDefault();
        props.place.dropOn();
      }}
      onClick={(e) => {
        if (e.defaultPrevented || (e.target as Element).closest(OWN_CONTROLS)) return;
        startChat();
      }}
      onKeyDown={(e) => {
        if (e.target === card && e.key === 'Enter') {
          e.preventDefault();
          startChat();
          return;
        }
        if (e.target === card && e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
          e.preventDefault();
          move(e.key === 'ArrowUp' ? -1 : 1);
          return;
        }
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
        <Show when={disabled()}>
          <span class="badge">{t('models.presetList.disabledBadge')}</span>
        </Show>
        <Show when={pinned()}>
          <span class="badge">{t('models.presetList.pinnedBadge')}</span>
        </Show>
        <label class="switch">
          <input
            type="checkbox"
            role="switch"
            checked={!disabled()}
            onChange={(e) => {
              const on = e.currentTarget.checked;
              // one value either way, so two devices switching it at once end with one of the two
              change((d) => {
                d.disabled = !on;
                d.updatedAt = Date.now();
              });
              props.onMessage(t(on ? 'models.presetList.enabledNow' : 'models.presetList.disabledNow', { name: props.doc.name }));
            }}
          />
          <span>{t('models.presetList.enabled')}</span>
        </label>
      </div>
      <span class="preset-base">
        {props.doc.baseModel}
        <Show when={baseMissing()}>
          {' '}
          <span class="badge warning">{t('models.baseNotInstalled')}</span>
        </Show>
        <Show when={runsOn()}>{(model) => <span class="help"> {t('models.fallback.runsOn', { model: model() })}</span>}</Show>
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
            // the editor with its history open
            { label: t('models.history.open'), onSelect: () => navigate(`/models/${props.item.id}?history=1`) },
            {
              label: props.doc.hidden ? t('models.show') : t('models.hide'),
              onSelect: () =>
                change((d) => {
                  d.hidden = !d.hidden;
                  d.updatedAt = Date.now();
                }),
            },
            ...(props.place.index > 0 ? [{ label: t('models.presetList.moveUp'), onSelect: () => move(-1) }] : []),
            ...(props.place.index < props.place.total - 1 ? [{ label: t('models.presetList.moveDown'), onSelect: () => move(1) }] : []),
            {
              label: pinned() ? t('models.presetList.unpin') : t('models.presetList.pin'),
              onSelect: () => {
                const pin = !pinned();
                presets.setPinned(props.item.id, pin);
                props.onMessage(t(pin ? 'models.presetList.pinnedNow' : 'models.presetList.unpinnedNow', { name: props.doc.name }));
              },
            },
            {
              label: t('models.presetList.copyLink'),
              onSelect: () => {
                const link = chatLink(props.item.id);
                void copyText(link).then((copied) => {
                  if (copied) props.onMessage(t('models.presetList.linkCopied', { name: props.doc.name }));
                  else setManualLink({ link, note: null, chat: true });
                });
              },
            },
            { label: t('models.presetList.previewJson'), onSelect: () => setPreviewOpen(true) },
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
        {(m) => (
          <LinkDialog
            link={m().link}
            note={m().note}
            onClose={() => setManualLink(null)}
            strings={
              m().chat
                ? { title: t('models.presetList.linkTitle'), notCopied: t('models.presetList.linkNotCopied'), field: t('models.presetList.linkField') }
                : undefined
            }
          />
        )}
      </Show>
      <Show when={previewOpen()}>
        <JsonPreviewDialog name={props.doc.name} json={() => previewJson(repo, plain())} onClose={() => setPreviewOpen(false)} />
      </Show>
    </li>
  );
}
