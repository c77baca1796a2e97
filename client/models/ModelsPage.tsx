import { A, useNavigate } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, lazy, Match, onCleanup, Show, Switch } from 'solid-js';
import { unwrap } from 'solid-js/store';
import { useI18n } from '../i18n/context.tsx';
import { useRepo } from '../repo/repo-context.tsx';
import { useDeviceSettings } from '../repo/device-settings-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { useOllamaModels } from '../ollama/known-models-context.tsx';
import type { PresetView } from '../../shared/schema/index.ts';
import { usePresets } from './presets-context.tsx';
import { PresetCard } from './PresetCard.tsx';
import { exportAll } from './preset-actions.ts';
import { exportMessage } from './export-message.ts';
import { formatBytes } from '../ollama/format.ts';
import { cardMatches, cardOf, loadModelsView, saveModelsView } from './list-view-cache.ts';
import { ModelsPreviewList } from './ModelsPreview.tsx';
import { WorkspaceStatus } from '../components/Shell.tsx';
import { dropAnchor, stepAnchor } from '../../shared/presets/order.ts';

// Opened on demand: its parsers (Open WebUI JSON, Modelfile, share links) stay out of the first page.
const ImportPanel = lazy(() => import('./ImportPanel.tsx').then((m) => ({ default: m.ImportPanel })));

function matches(p: PresetView, q: string, tag: string): boolean {
  return cardMatches({ name: p.name, slug: p.slug, tags: Object.keys(p.tags) }, q, tag);
}

export function ModelsPage() {
  const { t, locale } = useI18n();
  const { repo } = useRepo();
  const ollamaModels = useOllamaModels();
  const { workspace, openError } = useWorkspaceDoc();
  const device = useDeviceSettings();
  const presets = usePresets();
  const navigate = useNavigate();
  const [query, setQuery] = createSignal('');
  const [tag, setTag] = createSignal('');
  const [message, setMessage] = createSignal<string | null>(null);
  const [importing, setImporting] = createSignal(false);
  const shown = createMemo(() =>
    presets.ordered().filter((p) => {
      const d = p.doc();
      return d && matches(d, query().trim(), tag());
    }),
  );
  let importButton: HTMLButtonElement | undefined;
  let searchInput: HTMLInputElement | undefined;
  const closeImport = () => {
    setImporting(false);
    importButton?.focus();
  };
  // a deleted card's focus goes to the next card (else the previous one, else the search box)
  const focusAfterDelete = (card: HTMLElement) => {
    const neighbour = (card.nextElementSibling ?? card.previousElementSibling) as HTMLElement | null;
    const target = neighbour?.querySelector<HTMLElement>('.menu-button') ?? searchInput;
    return () => target?.focus();
  };
  const filtered = () => query().trim() !== '' || tag() !== '';
  const countText = () => {
    const n = presets.live().length;
    if (filtered()) return t('models.presetList.countShown', { shown: shown().length, n });
    return new Intl.PluralRules(locale()).select(n) === 'one' ? t('models.presetList.count.one', { n }) : t('models.presetList.count.other', { n });
  };
  // Moves among the cards shown (a filter may hide others, which keep their place), announced.
  const shownIds = () => shown().map((p) => p.id);
  const announceMove = (id: string) => {
    const list = shownIds();
    const name = presets.byId(id)?.doc()?.name ?? '';
    setMessage(t('models.presetList.moved', { name, n: list.indexOf(id) + 1, total: list.length }));
  };
  const moveStep = (id: string, step: -1 | 1) => {
    const anchor = stepAnchor(shownIds(), id, step);
    if (!anchor) return;
    presets.move(id, anchor);
    announceMove(id);
  };
  const [dragged, setDragged] = createSignal<string | null>(null);
  const dropOn = (target: string) => {
    const id = dragged();
    setDragged(null);
    const anchor = id ? dropAnchor(shownIds(), id, target) : null;
    if (!id || !anchor) return;
    presets.move(id, anchor);
    announceMove(id);
  };
  const loadedDocs = () => presets.live().map((p) => p.doc()).filter((d): d is PresetView => Boolean(d));

  // The saved list is shown until every preset is open (then the live list stays, even while a
  // preset added later loads), and the live list is saved for the next start.
  const saved = loadModelsView(device.settings.workspaceUrl);
  const live = createMemo<boolean>(
    (was) => was || (workspace() !== undefined && presets.live().every((p) => p.doc() !== undefined || p.opened.problem() !== null)),
    false,
  );
  createEffect(() => {
    const url = device.settings.workspaceUrl;
    if (!live() || !url) return;
    // in the person's order, so the list painted at the next start is the one they left
    const cards = presets.ordered().flatMap((p) => {
      const d = p.doc();
      return d ? [cardOf(p.id, d)] : [];
    });
    const timer = setTimeout(() => saveModelsView({ workspaceUrl: url, cards }), 1000);
    onCleanup(() => clearTimeout(timer));
  });

  return (
    <section
      aria-labelledby="models-title"
      class="models-page"
      onKeyDown={(e) => {
        // Escape closes the Import panel, wherever the focus is on the page (a card's menus handle theirs first)
        if (e.key !== 'Escape' || e.defaultPrevented || !importing()) return;
        e.preventDefault();
        closeImport();
      }}
    >
      <div class="page-head">
        <h1 id="models-title">{t('models.title')}</h1>
        <div class="toolbar">
          <A class="button-like primary" href="/models/new">
            {t('models.new')}
          </A>
          <button type="button" class="secondary" ref={importButton} aria-expanded={importing()} onClick={() => setImporting(!importing())}>
            {t('models.import')}
          </button>
          <button
            type="button"
            class="secondary"
            disabled={loadedDocs().length === 0}
            onClick={() => void exportAll(repo, loadedDocs().map((d) => structuredClone(unwrap(d)))).then((r) => setMessage(exportMessage(t, locale(), r)))}
          >
            {t('models.exportAll')}
          </button>
        </div>
      </div>
      <Show when={importing()}>
        <ImportPanel />
      </Show>
      <div class="filters">
        <label class="field inline">
          <span>{t('models.search')}</span>
          <input type="search" ref={searchInput} placeholder={t('models.searchPlaceholder')} value={query()} onInput={(e) => setQuery(e.currentTarget.value)} />
        </label>
        <Show when={presets.allTags().length > 0}>
          <label class="field inline">
            <span>{t('models.tagFilter')}</span>
            <select value={tag()} onChange={(e) => setTag(e.currentTarget.value)}>
              <option value="">{t('models.allTags')}</option>
              <For each={presets.allTags()}>{(tg) => <option value={tg}>{tg}</option>}</For>
            </select>
          </label>
        </Show>
      </div>
      <Show when={live() && presets.live().length > 0}>
        <p class="preset-count" id="preset-count">
          {countText()}
        </p>
        <p class="help" id="reorder-help">
          {t('models.presetList.reorderHelp')}
        </p>
      </Show>
      <p class="live-message" role="status" aria-live="polite">
        {message() ?? ''}
      </p>
      <Switch>
        {/* a workspace that cannot be opened says so rather than leaving the saved list up */}
        <Match when={!live() && !openError() && saved}>{(view) => <ModelsPreviewList view={view()} query={query()} tag={tag()} />}</Match>
        <Match when={!workspace()}>
          <WorkspaceStatus />
        </Match>
        <Match when={true}>
          <Show when={presets.live().length > 0} fallback={<p>{t('models.empty')}</p>}>
            <Show when={shown().length > 0} fallback={<p>{t('models.noMatch')}</p>}>
              <ul class="preset-grid" aria-label={t('models.list')} aria-describedby="preset-count" onDragEnd={() => setDragged(null)}>
                <For each={shown()}>
                  {(item, i) => (
                    <Show when={item.doc()}>
                      {(d) => (
                        <PresetCard
                          item={item}
                          doc={d()}
                          describedBy="reorder-help"
                          place={{
                            get index() {
                              return i();
                            },
                            get total() {
                              return shown().length;
                            },
                            move: (step) => moveStep(item.id, step),
                            dragStart: () => setDragged(item.id),
                            dropOn: () => dropOn(item.id),
                            dragging: () => dragged() === item.id,
                            accepts: () => dragged() !== null && dragged() !== item.id,
                          }}
                          onMessage={setMessage}
                          onDelete={focusAfterDelete}
                        />
                      )}
                    </Show>
                  )}
                </For>
              </ul>
            </Show>
          </Show>
        </Match>
      </Switch>
      <Show when={ollamaModels.models().length > 0}>
        <h2>{t('models.baseModels')}</h2>
        <p class="help">{t('models.baseModelsHelp')}</p>
        <ul class="base-models" aria-label={t('models.baseModels')}>
          <For each={ollamaModels.models()}>
            {(m) => (
              <li class="base-model" aria-label={m.name}>
                <strong>{m.name}</strong>
                <span class="preset-base">
                  {[m.parameterSize, m.quantization, m.size ? formatBytes(m.size, locale()) : ''].filter(Boolean).join(' · ')}
                </span>
                <button type="button" class="secondary" onClick={() => navigate(`/models/new?base=${encodeURIComponent(m.name)}`)}>
                  {t('models.useBase', { name: m.name })}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
