import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { useOllamaModels } from '../../ollama/known-models-context.tsx';
import { CHAT_CAPABILITIES, capabilityOn } from '../../../shared/presets/capabilities.ts';
import { sameModelName } from '../../../shared/ollama/pull-name.ts';
import type { PresetEditing } from '../editing.ts';

/**
 * Switches for what a chat with the preset offers. A switch the base model cannot honour is
 * explained beside it (what Ollama says the installed model can do), not silently ignored.
 */
export function CapabilitiesEditor(props: { editing: PresetEditing }) {
  const { t } = useI18n();
  const ollamaModels = useOllamaModels();
  const d = () => props.editing.doc;
  /** Ollama's capabilities of the base model, or null when it is not installed here or was never read */
  const baseCaps = () => {
    const name = d().baseModel;
    const m = ollamaModels.models().find((x) => x.name === name || sameModelName(x.name, name));
    return m && m.capabilities.length > 0 ? m.capabilities : null;
  };
  const visionMissing = () => d().vision && baseCaps() !== null && !baseCaps()?.includes('vision');
  return (
    <fieldset class="capabilities">
      <legend>{t('models.extras.capabilities')}</legend>
      <p class="help">{t('models.extras.capabilitiesHelp')}</p>
      <label class="check">
        <input
          type="checkbox"
          role="switch"
          checked={d().vision}
          aria-describedby="cap-help-vision"
          onChange={(e) => {
            const on = e.currentTarget.checked;
            props.editing.edit('vision', (p) => {
              p.vision = on;
            });
          }}
        />
        <span>{t('models.extras.capability.vision')}</span>
      </label>
      <p class="help" id="cap-help-vision">
        {t('models.extras.capabilityHelp.vision')}
      </p>
      <Show when={visionMissing()}>
        <p class="warning" role="note">
          {t('models.extras.visionMissing', { model: d().baseModel })}
        </p>
      </Show>
      <For each={CHAT_CAPABILITIES}>
        {(c) => (
          <>
            <label class="check">
              <input
                type="checkbox"
                role="switch"
                checked={capabilityOn(d(), c)}
                aria-describedby={`cap-help-${c}`}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  props.editing.edit('capabilities', (p) => {
                    p.capabilities[c] = on;
                  });
                }}
              />
              <span>{t(`models.extras.capability.${c}`)}</span>
            </label>
            <p class="help" id={`cap-help-${c}`}>
              {t(`models.extras.capabilityHelp.${c}`)}
            </p>
          </>
        )}
      </For>
    </fieldset>
  );
}
