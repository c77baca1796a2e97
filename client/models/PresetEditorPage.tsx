import { A, useNavigate, useParams, useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, lazy, on, Show, Suspense } from 'solid-js';
import { unwrap } from 'solid-js/store';
import { useI18n } from '../i18n/context.tsx';
import { useRepo } from '../repo/repo-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { useOllamaModels } from '../ollama/known-models-context.tsx';
import { useOpenAIConnections } from '../openai/connections-context.tsx';
import { addPresetEntry, entryState, initialPreset, markKept, newId, storablePreset, type PresetDoc, type PresetView } from '../../shared/schema/index.ts';
import { deriveSlug, validateSlug, type SlugError } from '../../shared/presets/slug.ts';
import { validateParams } from '../../shared/params/catalogue.ts';
import { usePresets } from './presets-context.tsx';
import { openaiRef } from '../../shared/chat/model-ref.ts';
import { createDraftEditing, createLiveEditing, type PresetEditing } from './editing.ts';
import { AvatarPicker } from './editor/AvatarPicker.tsx';
import { ParamsEditor } from './editor/ParamsEditor.tsx';
import { SuggestionsEditor } from './editor/SuggestionsEditor.tsx';
import { TagsInput } from './editor/TagsInput.tsx';
import { DocumentsEditor } from './editor/DocumentsEditor.tsx';
import { ToolsPicker } from './editor/ToolsPicker.tsx';
import { PromptVariables } from './editor/PromptVariables.tsx';
import { CustomParamsEditor } from './editor/CustomParamsEditor.tsx';
import { CapabilitiesEditor } from './editor/CapabilitiesEditor.tsx';
import { ChatDefaultsEditor } from './editor/ChatDefaultsEditor.tsx';
import { CollaborativeText } from './editor/CollaborativeText.tsx';
import { ConflictChoices } from './editor/ConflictChoices.tsx';
import { createFieldConflicts, type FieldConflicts } from './editor/field-conflicts.ts';
import { createToolList } from '../tools/registry.ts';
import { FallbackModelsEditor } from './editor/FallbackModelsEditor.tsx';
import { useStoreKnowledge } from '../knowledge/use-store-knowledge.ts';

/** the history and its diff library load when the person opens it */
const HistoryPanel = lazy(() => import('./history/HistoryPanel.tsx'));


/** The fields shared by "new" and "edit". */
function PresetFields(props: {
  editing: PresetEditing;
  slugField: 'editable' | 'fixed';
  slug: string;
  onSlug?: (s: string) => void;
  /** values other devices gave short fields at the same time (a saved preset only) */
  conflicts?: FieldConflicts;
}) {
  const { t } = useI18n();
  const ollamaModels = useOllamaModels();
  const openai = useOpenAIConnections();
  const presets = usePresets();
  const d = () => props.editing.doc;
  const openaiModels = () => openai.connections().flatMap((c) => openai.modelsOf(c.id).map((m) => ({ ref: openaiRef(c.id, m), label: `${m} · ${c.name}` })));
  const toolList = createToolList((k) => t(`tools.builtin.${k as 'clock'}`));
  const available = () => {
    const of = (type: string) => toolList().filter((x) => x.toolType === type).map((x) => ({ id: x.id, name: x.name }));
    return { toolIds: of('tool'), filterIds: of('filter'), actionIds: of('action') };
  };
  return (
    <>
      <AvatarPicker editing={props.editing} />
      <label class="field">
        <span>{t('models.name')}</span>
        <input value={d().name} required onInput={(e) => props.editing.setName(e.currentTarget.value)} />
      </label>
      <ConflictChoices values={props.conflicts?.name() ?? []} kind="name" onPick={(v) => props.editing.setName(v)} />
      <label class="field">
        <span>{t('models.slug')}</span>
        <input
          value={props.slug}
          readOnly={props.slugField === 'fixed'}
          aria-describedby="slug-help"
          spellcheck={false}
          onInput={(e) => props.onSlug?.(e.currentTarget.value)}
        />
        <small id="slug-help" class="help">
          {t('models.slugHelp')}
        </small>
      </label>
      <label class="field">
        <span>{t('models.baseModel')}</span>
        <input
          value={d().baseModel}
          list="base-models"
          spellcheck={false}
          aria-describedby="base-help"
          onChange={(e) => {
            const v = e.currentTarget.value.trim();
            props.editing.edit('baseModel', (p) => {
              p.baseModel = v;
            });
          }}
        />
        <small id="base-help" class="help">
          {t('models.baseModelHelp')}
        </small>
        <datalist id="base-models">
          <For each={ollamaModels.models()}>{(m) => <option value={m.name} />}</For>
          <For each={openaiModels()}>{(m) => <option value={m.ref} label={m.label} />}</For>
        </datalist>
      </label>
      <label class="field">
        <span>{t('models.description')}</span>
        <CollaborativeText text={props.editing.text('description')} />
      </label>
      <label class="field wide">
        <span>{t('models.system')}</span>
        <CollaborativeText multiline id="system-prompt" class="system-prompt" rows={10} text={props.editing.text('system')} />
      </label>
      <PromptVariables fieldId="system-prompt" system={d().system} />
      <FallbackModelsEditor editing={props.editing} />
      <ParamsEditor editing={props.editing} />
      <CustomParamsEditor editing={props.editing} />
      <SuggestionsEditor editing={props.editing} conflicts={props.conflicts} />
      <DocumentsEditor editing={props.editing} />
      <ToolsPicker editing={props.editing} available={available()} />
      <ChatDefaultsEditor editing={props.editing} names={new Map(toolList().map((x) => [x.id, x.name]))} />
      <CapabilitiesEditor editing={props.editing} />
      <TagsInput editing={props.editing} suggestions={presets.allTags()} />
    </>
  );
}

function slugErrorText(t: ReturnType<typeof useI18n>['t'], e: SlugError): string {
  switch (e.code) {
    case 'slug-taken':
      return t('models.error.slug-taken', { slug: e.slug });
    case 'slug-too-long':
      return t('models.error.slug-too-long', { max: e.max });
    case 'slug-empty':
      return t('models.error.slug-empty');
    default:
      return t('models.error.slug-bad-chars');
  }
}

export function NewPresetPage() {
  const { t } = useI18n();
  const { repo, saves } = useRepo();
  const { workspace } = useWorkspaceDoc();
  const presets = usePresets();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const base = typeof search.base === 'string' ? search.base : '';
  const editing = createDraftEditing(initialPreset({ id: newId(), slug: '', name: '', baseModel: base }));
  const [customSlug, setCustomSlug] = createSignal<string | null>(null);
  const slug = createMemo(() => customSlug() ?? deriveSlug(editing.doc.name));
  const [error, setError] = createSignal<string | null>(null);
  const storeKnowledge = useStoreKnowledge();
  // storing attached documents takes a while: one save at a time
  const [saving, setSaving] = createSignal(false);

  const save = async () => {
    const ws = workspace();
    if (!ws || saving()) return;
    const d = structuredClone(unwrap(editing.doc));
    if (!d.name.trim()) { setError(t('models.error.name-empty')); return; }
    const s = validateSlug(slug(), presets.takenSlugs());
    if (!s.ok) { setError(slugErrorText(t, s.error)); return; }
    if (!d.baseModel.trim()) { setError(t('models.error.base-empty')); return; }
    const params = validateParams(d.params);
    const firstBad = params.errors[0];
    if (firstBad) { setError(t('models.error.param', { key: firstBad.key })); return; }
    // attached documents become knowledge documents only now (a cancelled draft leaves none),
    // stored before the preset that points at them
    setSaving(true);
    try {
      await editing.pendingKnowledge?.commit((f) => storeKnowledge(f, f.wholeDocument), d.knowledge);
    } catch (err) {
      setSaving(false);
      setError(t('knowledge.commitFailed', { detail: err instanceof Error ? err.message : String(err) }));
      return;
    }
    const now = Date.now();
    const doc: PresetView = { ...d, slug: slug(), name: d.name.trim(), params: params.params, createdAt: now, updatedAt: now };
    const handle = repo.create<PresetDoc>(storablePreset(doc));
    ws.change((w) => addPresetEntry(w, doc.id, handle.url));
    // An explicit Save is on disk before the page moves on; if it is not, the person is told
    // (the preset is still in memory, and the editor it opens keeps it on screen).
    void repo
      .flush([handle.documentId, ws.handle.documentId])
      .catch(saves.report)
      .finally(() => navigate(`/models/${doc.id}`));
  };

  return (
    <section aria-labelledby="editor-title" class="editor">
      <A href="/models">{t('models.back')}</A>
      <h1 id="editor-title">{t('models.newTitle')}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        onKeyDown={(e) => {
          // Enter in a small field (tags, stop list) must not submit the whole form.
          if (e.key === 'Enter' && e.target instanceof HTMLInputElement) e.preventDefault();
        }}
      >
        <PresetFields editing={editing} slugField="editable" slug={slug()} onSlug={(s) => setCustomSlug(s)} />
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="form-actions">
          <button type="submit" disabled={saving()}>
            {t('models.create')}
          </button>
          <A class="button-like secondary" href="/models">
            {t('models.cancel')}
          </A>
        </div>
      </form>
    </section>
  );
}

export function EditPresetPage() {
  const { t } = useI18n();
  const { workspace } = useWorkspaceDoc();
  const params = useParams();
  const [search] = useSearchParams();
  const presets = usePresets();
  const item = createMemo(() => {
    const p = presets.byId(params.id ?? '');
    const e = p?.entry();
    return p && e && entryState(e) === 'live' ? p : undefined;
  });
  // The preset is listed but its document is still opening, or the index itself is still empty.
  const stillLoading = () => Boolean(item()) || presets.all().length === 0;
  return (
    <section aria-labelledby="editor-title" class="editor">
      <A href="/models">{t('models.back')}</A>
      <Show
        when={item()?.opened.store()}
        fallback={
          <p role="status">
            {item()?.opened.problem() ?? (stillLoading() ? t('app.loading') : t('models.notFound'))}
          </p>
        }
      >
        {(store) => {
          // the first edit marks the index entry: a purge made elsewhere without seeing it does not hold
          const id = item()?.id;
          const editing = createLiveEditing(store(), {
            onFirstEdit: () => id && workspace()?.change((w) => markKept(w.presets[id])),
          });
          const [nothingLeft, setNothingLeft] = createSignal(false);
          // the note is about the last click: any later change of the preset clears it
          createEffect(on(() => editing.doc.updatedAt, () => setNothingLeft(false), { defer: true }));
          const conflicts = createFieldConflicts(store().handle);
          // the card's "History" action opens the editor with it
          const [historyOpen, setHistoryOpen] = createSignal(search.history === '1');
          return (
            <>
              <div class="page-head">
                <h1 id="editor-title">{t('models.editTitle', { name: editing.doc.name })}</h1>
                <div class="form-actions">
                  <button type="button" class="secondary" aria-expanded={historyOpen()} aria-controls="preset-history" onClick={() => setHistoryOpen(!historyOpen())}>
                    {t('models.history.open')}
                  </button>
                  <button type="button" class="secondary" disabled={!editing.canUndo()} onClick={() => setNothingLeft(!editing.undo())}>
                    {t('models.undo')}
                  </button>
                </div>
              </div>
              <div id="preset-history">
                <Show when={historyOpen()}>
                  <Suspense fallback={<p role="status">{t('models.history.loading')}</p>}>
                    <HistoryPanel store={store()} editing={editing} name={editing.doc.name} />
                  </Suspense>
                </Show>
              </div>
              <Show when={nothingLeft()}>
                <p role="status">{t('models.undoNothingLeft')}</p>
              </Show>
              <p class="help">{t('models.savedLive')}</p>
              <div class="editor-fields">
                <PresetFields editing={editing} slugField="fixed" slug={editing.doc.slug} conflicts={conflicts} />
              </div>
            </>
          );
        }}
      </Show>
    </section>
  );
}
