import { createResource, createSignal, For, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { useRepo } from '../../repo/repo-context.tsx';
import { knowledgeText, newId, type KnowledgeDoc, type KnowledgeRef } from '../../../shared/schema/index.ts';
import { formatBytes } from '../../ollama/format.ts';
import { extractText } from '../../knowledge/extract.ts';
import { openDoc } from '../../repo/open-doc.ts';
import { isPendingUrl, type PendingKnowledge } from '../../knowledge/pending.ts';
import { useStoreKnowledge } from '../../knowledge/use-store-knowledge.ts';
import type { PresetEditing } from '../editing.ts';

const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** One attached document: its name, size, and the "use whole document" switch (stored in its own document, or pending until a new preset is saved). */
function DocumentItem(props: { id: string; k: KnowledgeRef; pending: PendingKnowledge | undefined; onRemove: () => void }) {
  const { t } = useI18n();
  const { repo } = useRepo();
  const [doc, { mutate }] = createResource(
    () => props.k.url,
    async (url): Promise<{ whole: boolean; size: number; readOnly: boolean; setWhole: (on: boolean) => void } | null> => {
      if (isPendingUrl(url)) {
        const f = props.pending?.get(url);
        return f ? { whole: f.wholeDocument, size: f.text.length, readOnly: false, setWhole: (on) => props.pending?.setWhole(url, on) } : null;
      }
      const o = await openDoc<KnowledgeDoc>(repo, url, 'atelier/knowledge');
      if (o.status !== 'ok' && o.status !== 'newer') return null;
      const handle = o.handle;
      return {
        whole: handle.doc().wholeDocument,
        size: knowledgeText(handle.doc()).length,
        readOnly: o.readOnly,
        setWhole: (on) =>
          handle.change((x) => {
            x.wholeDocument = on;
          }),
      };
    },
  );
  return (
    <li class="document-item">
      <span>{props.k.name}</span>
      <Show when={doc()} fallback={<Show when={!props.k.url || doc() === null}><span class="badge">{t('models.documentUnavailable')}</span></Show>}>
        {(d) => (
          <>
            <span class="help">{t('knowledge.chars', { n: d().size })}</span>
            <label class="check" title={t('knowledge.wholeDocumentHelp')}>
              <input
                type="checkbox"
                checked={d().whole}
                disabled={d().readOnly}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  d().setWhole(on);
                  mutate({ ...d(), whole: on });
                }}
              />
              <span>{t('knowledge.wholeDocument')}</span>
            </label>
          </>
        )}
      </Show>
      <button type="button" class="secondary small" aria-label={t('models.documentRemove', { name: props.k.name })} onClick={() => props.onRemove()}>
        ×
      </button>
    </li>
  );
}

/** Files attached to the preset: their text is extracted here and stored in its own document each (retrieval uses them). */
export function DocumentsEditor(props: { editing: PresetEditing }) {
  const { t, locale } = useI18n();
  const storeKnowledge = useStoreKnowledge();
  const [errors, setErrors] = createSignal<string[]>([]);
  const [notes, setNotes] = createSignal<string[]>([]);
  const [busy, setBusy] = createSignal<string | null>(null);
  const attach = async (files: ArrayLike<File> | null | undefined) => {
    setErrors([]);
    setNotes([]);
    const problems: string[] = [];
    const told: string[] = [];
    for (const file of Array.from(files ?? [])) {
      if (file.size > MAX_DOCUMENT_BYTES) {
        problems.push(t('models.documentTooLarge', { name: file.name, size: formatBytes(file.size, locale()) }));
        continue;
      }
      setBusy(t('knowledge.extracting', { name: file.name }));
      const x = await extractText(file);
      if (!x.ok) {
        problems.push(
          x.reason === 'unreadable'
            ? t('knowledge.unreadable', { name: file.name, detail: t(`knowledge.unreadableWhy.${x.cause}`) })
            : t(x.reason === 'unsupported' ? 'knowledge.unsupported' : 'knowledge.empty', { name: file.name }),
        );
        continue;
      }
      const f = { name: file.name, type: x.type, size: file.size, text: x.text };
      const pending = props.editing.pendingKnowledge;
      let url: string;
      if (pending) url = pending.add(f);
      else {
        // listed only once stored (knowledge-store.ts): the preset never points at a document this device lacks
        setBusy(t('knowledge.saving', { name: file.name }));
        try {
          const stored = await storeKnowledge(f, false);
          if (stored.onPage) told.push(t('knowledge.builtOnPage', { name: file.name }));
          url = stored.url;
        } catch (err) {
          problems.push(t('knowledge.saveFailed', { name: file.name, detail: err instanceof Error ? err.message : String(err) }));
          continue;
        }
      }
      props.editing.edit('knowledge', (d) => {
        d.knowledge[newId()] = { name: file.name, type: x.type, url, externalId: null };
      });
    }
    setBusy(null);
    setErrors(problems);
    setNotes(told);
  };
  const entries = () => Object.entries(props.editing.doc.knowledge).sort(([, a], [, b]) => a.name.localeCompare(b.name));
  return (
    <fieldset
      class="documents"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        void attach(e.dataTransfer?.files);
      }}
    >
      <legend>{t('models.documents')}</legend>
      <p class="help">{t('models.documentsHelp')}</p>
      <ul>
        <For each={entries()}>
          {([id, k]) => (
            <DocumentItem
              id={id}
              k={k}
              pending={props.editing.pendingKnowledge}
              onRemove={() =>
                props.editing.edit('knowledge', (d) => {
                  delete d.knowledge[id];
                })
              }
            />
          )}
        </For>
      </ul>
      <label class="button-like secondary">
        {t('models.documentAttach')}
        <input
          class="visually-hidden"
          type="file"
          multiple
          accept=".txt,.md,.markdown,.html,.htm,.pdf,.csv,.json,text/*,application/pdf"
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            // emptied, so that choosing the same file again (after removing it) is a change too
            e.currentTarget.value = '';
            void attach(files);
          }}
        />
      </label>
      <p class="help">{t('knowledge.dropHere')}</p>
      <Show when={busy()}>
        <p role="status">{busy()}</p>
      </Show>
      <For each={notes()}>
        {(msg) => (
          <p class="help" role="status">
            {msg}
          </p>
        )}
      </For>
      <For each={errors()}>
        {(msg) => (
          <p class="error" role="alert">
            {msg}
          </p>
        )}
      </For>
    </fieldset>
  );
}
