import { For } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { DEFAULT_WORKSPACE_SETTINGS } from '../../shared/schema/index.ts';
import { clampModels, MAX_MODELS_LIMIT } from './limits.ts';

/** Settings › Chat: workspace settings (synced): how many models answer at once, own threads, proposed titles. */
export function ChatSettings() {
  const { t } = useI18n();
  const { workspace, readOnly } = useWorkspaceDoc();
  const settings = () => ({ ...DEFAULT_WORKSPACE_SETTINGS, ...(workspace()?.doc.settings ?? {}) });
  const set = (patch: Partial<typeof DEFAULT_WORKSPACE_SETTINGS>) =>
    workspace()?.change((d) => {
      for (const [k, v] of Object.entries(patch) as Array<[keyof typeof patch, never]>) {
        if (d.settings[k] !== v) d.settings[k] = v;
      }
    });
  return (
    <section aria-labelledby="chat-settings-title">
      <h2 id="chat-settings-title">{t('chat.settingsTitle')}</h2>
      <label class="field">
        <span>{t('chat.maxModels')}</span>
        <select
          value={String(clampModels(settings().maxModels))}
          disabled={readOnly()}
          aria-describedby="max-models-help"
          onChange={(e) => set({ maxModels: clampModels(Number(e.currentTarget.value)) })}
        >
          <For each={Array.from({ length: MAX_MODELS_LIMIT }, (_, i) => i + 1)}>{(n) => <option value={String(n)}>{n}</option>}</For>
        </select>
        <span id="max-models-help" class="help">
          {t('chat.maxModelsHelp')}
        </span>
      </label>
      <div class="field">
        <label class="check">
          <input type="checkbox" checked={settings().ownThread} disabled={readOnly()} aria-describedby="own-thread-help" onChange={(e) => set({ ownThread: e.currentTarget.checked })} />
          <span>{t('chat.ownThread')}</span>
        </label>
        <span id="own-thread-help" class="help">
          {t('chat.ownThreadHelp')}
        </span>
      </div>
      <div class="field">
        <label class="check">
          <input type="checkbox" checked={settings().autoTitle} disabled={readOnly()} aria-describedby="auto-title-help" onChange={(e) => set({ autoTitle: e.currentTarget.checked })} />
          <span>{t('chat.autoTitle')}</span>
        </label>
        <span id="auto-title-help" class="help">
          {t('chat.autoTitleHelp')}
        </span>
      </div>
    </section>
  );
}
