import { For, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { useOllamaModels } from '../ollama/known-models-context.tsx';
import type { DocumentsSettings as Settings } from '../../shared/schema/workspace.ts';
import { documentsSettings } from '../../shared/rag/settings.ts';
import { DEFAULT_RAG_TEMPLATE } from '../../shared/rag/template.ts';

/** Settings › Documents (workspace settings, synced): embedding model, chunking, passages, template. */
export function DocumentsSettings() {
  const { t } = useI18n();
  const { workspace, readOnly } = useWorkspaceDoc();
  const ollamaModels = useOllamaModels();
  const settings = () => documentsSettings(workspace()?.doc.settings);
  const embedders = () => ollamaModels.models().filter((m) => m.capabilities.includes('embedding') || /embed|minilm|bge|e5/i.test(m.name));
  const set = (patch: Partial<Settings>) =>
    workspace()?.change((d) => {
      if (!d.settings.documents) d.settings.documents = { ...settings() };
      const docs = d.settings.documents;
      for (const [k, v] of Object.entries(patch) as Array<[keyof Settings, never]>) if (docs[k] !== v) docs[k] = v;
    });
  const num = (e: Event) => Number((e.currentTarget as HTMLInputElement).value);
  return (
    <section aria-labelledby="documents-settings-title">
      <h2 id="documents-settings-title">{t('knowledge.settingsTitle')}</h2>
      <p class="help">{t('knowledge.settingsIntro')}</p>
      <label class="field">
        <span>{t('knowledge.embeddingModel')}</span>
        <input
          list="embedding-models"
          value={settings().embeddingModel}
          disabled={readOnly()}
          placeholder="nomic-embed-text"
          aria-describedby="embedding-help"
          onChange={(e) => set({ embeddingModel: e.currentTarget.value.trim() })}
        />
        <datalist id="embedding-models">
          <For each={embedders()}>{(m) => <option value={m.name} />}</For>
        </datalist>
        <span id="embedding-help" class="help">
          {settings().embeddingModel ? t('knowledge.embeddingModelHelp') : `${t('knowledge.embeddingModelHelp')} ${t('knowledge.embeddingAuto')}`}
        </span>
      </label>
      <Show when={embedders().length === 0}>
        <p class="help warning" role="note">
          {t('knowledge.noEmbeddingModel')}
        </p>
      </Show>
      <label class="field">
        <span>{t('knowledge.chunkSize')}</span>
        <input type="number" min="100" max="20000" step="50" value={settings().chunkSize} disabled={readOnly()} onChange={(e) => set({ chunkSize: num(e) })} />
      </label>
      <label class="field">
        <span>{t('knowledge.chunkOverlap')}</span>
        <input type="number" min="0" max="10000" step="10" value={settings().chunkOverlap} disabled={readOnly()} aria-describedby="chunk-help" onChange={(e) => set({ chunkOverlap: num(e) })} />
        <span id="chunk-help" class="help">
          {t('knowledge.chunkHelp')}
        </span>
      </label>
      <label class="field">
        <span>{t('knowledge.topK')}</span>
        <input type="number" min="1" max="50" value={settings().topK} disabled={readOnly()} onChange={(e) => set({ topK: num(e) })} />
      </label>
      <label class="field">
        <span>{t('knowledge.template')}</span>
        <textarea rows="12" value={settings().template} disabled={readOnly()} aria-describedby="template-help" onChange={(e) => set({ template: e.currentTarget.value })} />
        <span id="template-help" class="help">
          {t('knowledge.templateHelp', { CONTEXT: '{{CONTEXT}}', QUERY: '{{QUERY}}' })}
        </span>
      </label>
      <button type="button" class="secondary" disabled={readOnly()} onClick={() => set({ template: DEFAULT_RAG_TEMPLATE })}>
        {t('knowledge.resetTemplate')}
      </button>
    </section>
  );
}
