import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import type { PresetDoc } from '../../../shared/schema/preset.ts';
import type { PresetEditing } from '../editing.ts';

/**
 * Which of the preset's tools and filters are on when a chat starts with it (Open WebUI's default
 * features and default filters). Stored as the ones that are off (`chatOff`), so a tool added
 * later starts on, as before this setting existed.
 */
export function ChatDefaultsEditor(props: { editing: PresetEditing; names: ReadonlyMap<string, string> }) {
  const { t } = useI18n();
  // only those that resolve here: one that does not (imported from Open WebUI) cannot run in a chat
  const ids = () => [...Object.keys(props.editing.doc.toolIds), ...Object.keys(props.editing.doc.filterIds)].filter((id) => props.names.has(id));
  const set = (d: PresetDoc, id: string, on: boolean) => {
    if (!d.chatOff) d.chatOff = {};
    if (on) delete d.chatOff[id];
    else d.chatOff[id] = true;
  };
  return (
    <fieldset class="chat-defaults">
      <legend>{t('models.extras.defaults')}</legend>
      <p class="help">{t('models.extras.defaultsHelp')}</p>
      <Show when={ids().length > 0} fallback={<p class="help">{t('models.extras.noToolsYet')}</p>}>
        <For each={ids()}>
          {(id) => (
            <label class="check">
              <input
                type="checkbox"
                checked={!props.editing.doc.chatOff?.[id]}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  props.editing.edit('chatOff', (d) => set(d, id, on));
                }}
              />
              <span>{t('models.extras.defaultOn', { name: props.names.get(id) ?? '' })}</span>
            </label>
          )}
        </For>
      </Show>
    </fieldset>
  );
}
