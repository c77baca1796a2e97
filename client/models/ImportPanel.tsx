import { createSignal, For, Show } from 'solid-js';
import { createStore } from 'solid-js/store';
import { useI18n } from '../i18n/context.tsx';
import { useRepo } from '../repo/repo-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { useOllamaModels } from '../ollama/known-models-context.tsx';
import { DEFAULT_IMPORT_MAX_BYTES } from '../../shared/openwebui/codec.ts';
import { parsePresetsFile } from '../../shared/app-import/index.ts';
import type { ImportNote, ImportResult, SkipReason } from '../../shared/openwebui/types.ts';
import { parseModelfile } from '../../shared/modelfile/parse.ts';
import { looksLikeModelfile, modelfileToImport } from '../../shared/modelfile/to-import.ts';
import { noteText } from './import-notes.ts';
import { usePresets } from './presets-context.tsx';
import { applyImport, planImport, type ImportCounts, type PlannedImport, type ImportChoice } from './import-presets.ts';
import { formatBytes } from '../ollama/format.ts';

type Skipped = Array<{ index: number; name?: string; reason: SkipReason }>;

/** Import from a file (picker or drop), a URL or a Modelfile; then a summary, asking about conflicts. */
export function ImportPanel(props: { initial?: ImportResult | null }) {
  const { t, locale } = useI18n();
  const { repo } = useRepo();
  const { workspace } = useWorkspaceDoc();
  const ollamaModels = useOllamaModels();
  const presets = usePresets();
  const [error, setError] = createSignal<string | null>(null);
  const [plan, setPlan] = createStore<{ items: PlannedImport[] }>({ items: [] });
  const [skipped, setSkipped] = createSignal<Skipped>([]);
  const [awaitingChoice, setAwaitingChoice] = createSignal(false);
  const [done, setDone] = createSignal<ImportCounts | null>(null);
  /** per imported item, what was left out of it or kept unused: shown with the summary */
  const [reports, setReports] = createSignal<Array<{ name: string; notes: ImportNote[] }>>([]);
  const [dragging, setDragging] = createSignal(false);

  const skipText = (r: SkipReason) => t(`models.skip.${r.code}`, 'id' in r ? { id: r.id } : 'field' in r ? { field: r.field } : {});

  const finish = (items: PlannedImport[]) => {
    const ws = workspace();
    if (!ws) return;
    const counts = applyImport(repo, ws, items, presets.takenSlugs());
    setReports(items.filter((i) => i.choice !== 'skip' && i.item.notes.length > 0).map((i) => ({ name: i.item.name, notes: i.item.notes })));
    setDone({ ...counts, skipped: counts.skipped + skipped().length });
    setAwaitingChoice(false);
  };

  const start = (result: ImportResult) => {
    setDone(null);
    setReports([]);
    setError(null);
    if (!result.ok) {
      const e = result.error;
      setError(
        e.code === 'too-large'
          ? t('models.importFileError.too-large', { size: formatBytes(e.bytes, locale()), max: formatBytes(e.maxBytes, locale()) })
          : t(`models.importFileError.${e.code}`),
      );
      return;
    }
    const items = planImport(result.items, presets.all());
    setSkipped(result.skipped);
    setPlan({ items });
    if (items.some((i) => i.existing)) setAwaitingChoice(true);
    else finish(items);
  };

  /**
   * A file's (or URL's) text. A Modelfile is plain text: it goes to the Modelfile reader, named
   * after the file (`mario.modelfile` → "mario"; one called just "Modelfile" → its base model).
   */
  const fromText = (text: string, fileName: string) => {
    // Open WebUI, LobeChat, NextChat or Jan, by the file's shape; a file naming no model gets one installed here
    const parsed = parsePresetsFile(text, { maxBytes: DEFAULT_IMPORT_MAX_BYTES, fallbackModel: ollamaModels.models()[0]?.name ?? '' });
    if (!parsed.ok && parsed.error.code === 'not-json' && looksLikeModelfile(text)) {
      const base = fileName.replace(/\.[^.]*$/, '');
      fromModelfile(/^modelfile$/i.test(base) ? '' : base, text);
      return;
    }
    start(parsed);
  };

  const fromFile = async (file: File | undefined) => {
    if (!file) return;
    // Refuse before reading: a huge file must not freeze the page.
    if (file.size > DEFAULT_IMPORT_MAX_BYTES) {
      start({ ok: false, error: { code: 'too-large', bytes: file.size, maxBytes: DEFAULT_IMPORT_MAX_BYTES } });
      return;
    }
    let text: string;
    try {
      text = await file.text();
    } catch {
      setError(t('models.readFailed'));
      return;
    }
    fromText(text, file.name);
  };

  const fromUrl = async (url: string) => {
    setError(null);
    try {
      const res = await fetch(url, { cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const len = Number(res.headers.get('content-length') ?? 0);
      if (len > DEFAULT_IMPORT_MAX_BYTES) {
        start({ ok: false, error: { code: 'too-large', bytes: len, maxBytes: DEFAULT_IMPORT_MAX_BYTES } });
        return;
      }
      fromText(await res.text(), new URL(res.url || url, location.href).pathname.split('/').pop() ?? '');
    } catch (e) {
      setError(t('models.fetchFailed', { reason: e instanceof Error ? e.message : String(e) }));
    }
  };

  const fromModelfile = (name: string, text: string) => {
    const r = parseModelfile(text);
    if (!r.ok) {
      setError(t('models.importFileError.no-from'));
      return;
    }
    start({ ok: true, skipped: [], items: [modelfileToImport(name, r.preset, r.warnings)] });
  };

  if (props.initial) start(props.initial);

  return (
    <div
      class="import-panel"
      classList={{ dragging: dragging() }}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void fromFile(e.dataTransfer?.files[0]);
      }}
    >
      <Show when={!props.initial}>
        <div class="import-actions">
          <label class="button-like">
            {t('models.importFile')}
            <input
              class="visually-hidden"
              type="file"
              onChange={(e) => {
                void fromFile(e.currentTarget.files?.[0]);
                e.currentTarget.value = '';
              }}
            />
          </label>
          <p class="help drop-hint">{t('models.dropHere')}</p>
          <details>
            <summary>{t('models.importUrl')}</summary>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void fromUrl(String(new FormData(e.currentTarget).get('url') ?? ''));
              }}
            >
              <label class="field">
                <span>{t('models.urlLabel')}</span>
                <input name="url" type="url" required />
              </label>
              <button type="submit">{t('models.import')}</button>
            </form>
          </details>
          <details>
            <summary>{t('models.importModelfile')}</summary>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                const f = new FormData(e.currentTarget);
                fromModelfile(String(f.get('name') ?? ''), String(f.get('modelfile') ?? ''));
              }}
            >
              <label class="field">
                <span>{t('models.name')}</span>
                <input name="name" />
              </label>
              <label class="field">
                <span>{t('models.modelfileLabel')}</span>
                <textarea name="modelfile" rows={8} required spellcheck={false} />
              </label>
              <button type="submit">{t('models.import')}</button>
            </form>
          </details>
        </div>
      </Show>
      <Show when={error()}>
        <p role="alert" class="error">
          {error()}
        </p>
      </Show>
      <Show when={awaitingChoice()}>
        <section class="card" aria-label={t('models.importSummary')}>
          <p>{t('models.importConflicts')}</p>
          <ul class="import-conflicts">
            <For each={plan.items}>
              {(p, i) => (
                <Show when={p.existing}>
                  <li>
                    <label>
                      <span>
                        {p.item.name} <code>{p.item.slug}</code>
                      </span>
                      <select
                        aria-label={t('models.importChoiceFor', { name: p.item.name })}
                        value={p.choice}
                        onChange={(e) => setPlan('items', i(), 'choice', e.currentTarget.value as ImportChoice)}
                      >
                        <option value="replace">{t('models.importReplace')}</option>
                        <option value="keep-both">{t('models.importKeepBoth')}</option>
                        <option value="skip">{t('models.importSkip')}</option>
                      </select>
                    </label>
                  </li>
                </Show>
              )}
            </For>
          </ul>
          <button type="button" onClick={() => finish(plan.items)}>
            {t('models.importApply')}
          </button>
          <button type="button" class="secondary" onClick={() => setAwaitingChoice(false)}>
            {t('common.cancel')}
          </button>
        </section>
      </Show>
      <Show when={done()}>
        {(c) => (
          <section class="card" aria-label={t('models.importSummary')} role="status">
            <h2>{t('models.importSummary')}</h2>
            <ul>
              <li>{t('models.importCreated', { n: c().created })}</li>
              <li>{t('models.importUpdated', { n: c().replaced })}</li>
              <li>{t('models.importKept', { n: c().kept })}</li>
              <li>{t('models.importSkippedN', { n: c().skipped })}</li>
            </ul>
            <For each={reports()}>
              {(r) => (
                <div class="import-notes">
                  <p>{t('models.transfer.notesFor', { name: r.name })}</p>
                  <ul>
                    <For each={r.notes}>{(n) => <li>{noteText(t, n)}</li>}</For>
                  </ul>
                </div>
              )}
            </For>
            <Show when={skipped().length > 0}>
              <ul class="import-skipped">
                <For each={skipped()}>
                  {(s) => (
                    <li>
                      {t('models.importSkippedItem', { n: s.index + 1, name: s.name ? ` (${s.name})` : '', reason: skipText(s.reason) })}
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </section>
        )}
      </Show>
    </div>
  );
}
