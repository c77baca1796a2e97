import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { useWorkspaceDoc } from '../../workspace/workspace-doc-context.tsx';
import { PROMPT_VARIABLES, promptVariableToken, usedPromptVariables } from '../../../shared/chat/prompt-variables.ts';

/**
 * The system prompt's variables, each a button that inserts its token where the caret is in the
 * prompt (`fieldId`). The insertion goes through the field's own input event, so it is one
 * splice of the collaborative text, like typing it.
 */
export function PromptVariables(props: { fieldId: string; system: string }) {
  const { t } = useI18n();
  const { workspace } = useWorkspaceDoc();
  const userNameSet = () => String(workspace()?.doc.settings.userName ?? '').trim() !== '';
  const insert = (token: string) => {
    const el = document.getElementById(props.fieldId);
    if (!(el instanceof HTMLTextAreaElement)) return;
    const start = el.selectionStart ?? el.value.length;
    const end = el.selectionEnd ?? start;
    el.focus();
    el.setRangeText(token, start, end, 'end');
    el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: token }));
  };
  return (
    <div class="prompt-variables" role="group" aria-labelledby="prompt-variables-title">
      <h4 id="prompt-variables-title">{t('models.extras.variables')}</h4>
      <p class="help">{t('models.extras.variablesHelp')}</p>
      <ul class="variable-list">
        <For each={PROMPT_VARIABLES}>
          {(name) => (
            <li>
              <button type="button" class="secondary small" aria-label={t('models.extras.insertVariable', { token: promptVariableToken(name) })} onClick={() => insert(promptVariableToken(name))}>
                <code>{promptVariableToken(name)}</code>
              </button>
              <span class="help">{t(`models.extras.variable.${name}`)}</span>
            </li>
          )}
        </For>
      </ul>
      <Show when={usedPromptVariables(props.system).includes('USER_NAME') && !userNameSet()}>
        <p class="warning" role="note">
          {t('models.extras.userNameMissing', { token: promptVariableToken('USER_NAME') })}
        </p>
      </Show>
    </div>
  );
}
