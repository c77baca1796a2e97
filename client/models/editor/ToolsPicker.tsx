import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import type { PresetEditing } from '../editing.ts';
import { useOllamaModels } from '../../ollama/known-models-context.tsx';
import { baseModelToolSupport } from '../../tools/capability.ts';

type ListKey = 'toolIds' | 'filterIds' | 'actionIds';
const LISTS: Array<{ key: ListKey; label: 'models.tools' | 'models.filters' | 'models.actions' }> = [
  { key: 'toolIds', label: 'models.tools' },
  { key: 'filterIds', label: 'models.filters' },
  { key: 'actionIds', label: 'models.actions' },
];

/**
 * Tools, filters and actions this preset may use, picked from the workspace's own.
 * References that do not resolve here (imported from Open WebUI) are kept and marked.
 */
export function ToolsPicker(props: { editing: PresetEditing; available: Record<ListKey, Array<{ id: string; name: string }>> }) {
  const { t } = useI18n();
  const ollamaModels = useOllamaModels();
  const noTools = () => baseModelToolSupport(props.editing.doc.baseModel, ollamaModels.models()) === 'no';
  return (
    <fieldset class="tools">
      <legend>
        {t('models.tools')} · {t('models.filters')} · {t('models.actions')}
      </legend>
      <p class="help">{t('models.toolsHelp')}</p>
      <Show when={noTools() && Object.keys(props.editing.doc.toolIds).length > 0}>
        <p class="warning" role="note">
          {t('tools.noToolsSupport', { model: props.editing.doc.baseModel })}
        </p>
      </Show>
      <For each={LISTS}>
        {(list) => {
          const available = () => props.available[list.key];
          const dangling = () => Object.keys(props.editing.doc[list.key]).filter((id) => !available().some((a) => a.id === id));
          return (
            <div role="group" aria-label={t(list.label)}>
              <h4>{t(list.label)}</h4>
              <Show when={available().length > 0} fallback={<p class="help">{t('models.noneInWorkspace')}</p>}>
                <For each={available()}>
                  {(a) => (
                    <label class="check">
                      <input
                        type="checkbox"
                        checked={Boolean(props.editing.doc[list.key][a.id])}
                        onChange={(e) => {
                          const on = e.currentTarget.checked;
                          props.editing.edit(list.key, (d) => {
                            if (on) d[list.key][a.id] = true;
                            else delete d[list.key][a.id];
                          });
                        }}
                      />
                      <span>{a.name}</span>
                      <Show when={list.key === 'toolIds' && noTools() && props.editing.doc.toolIds[a.id]}>
                        <span class="badge warning" title={t('tools.noToolsSupport', { model: props.editing.doc.baseModel })}>
                          ⚠ {t('tools.noToolsBadge')}
                        </span>
                      </Show>
                    </label>
                  )}
                </For>
              </Show>
              <For each={dangling()}>
                {(id) => (
                  <p class="dangling">
                    <code>{id}</code> <span class="badge">{t('models.documentUnavailable')}</span>
                  </p>
                )}
              </For>
            </div>
          );
        }}
      </For>
    </fieldset>
  );
}
