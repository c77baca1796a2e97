import { createSignal, For, Show } from 'solid-js';
import { useI18n, type Translate } from '../../i18n/context.tsx';
import { checkCustomKey, customValueText, parseCustomValue, type CustomParamError } from '../../../shared/params/custom.ts';
import { immutable, storedString } from '../../../shared/schema/stored-string.ts';
import type { PresetEditing } from '../editing.ts';
import type { PresetDoc } from '../../../shared/schema/preset.ts';

function errorText(t: Translate, e: CustomParamError | { code: 'duplicate'; key: string }): string {
  return t(`models.extras.customError.${e.code}`, 'key' in e ? { key: e.key } : {});
}

/**
 * Writes one custom parameter. The map is created first and read back: in an Automerge change,
 * the object just assigned is a copy, and only the document's own map takes writes.
 */
function setCustom(d: PresetDoc, key: string, json: string): void {
  if (!d.customParams) d.customParams = {};
  d.customParams[key] = immutable(json);
}

/** Sorted, so two devices show the same order whatever order the keys were added in. */
function keysOf(r: Readonly<Record<string, unknown>> | undefined): string[] {
  return Object.keys(r ?? {}).sort((a, b) => a.localeCompare(b));
}

function CustomRow(props: { name: string; editing: PresetEditing }) {
  const { t } = useI18n();
  const [error, setError] = createSignal<string | null>(null);
  const stored = () => {
    const v = props.editing.doc.customParams?.[props.name];
    return v === undefined ? '' : customValueText(storedString(v));
  };
  return (
    <li class="custom-param">
      <code>{props.name}</code>
      <input
        aria-label={t('models.extras.customValueFor', { key: props.name })}
        value={stored()}
        spellcheck={false}
        onChange={(e) => {
          const r = parseCustomValue(props.name, e.currentTarget.value);
          if (!r.ok) {
            // bad input changes nothing: the stored value stays, the field shows what was typed
            setError(errorText(t, r.error));
            return;
          }
          setError(null);
          props.editing.edit('customParams', (d) => setCustom(d, props.name, r.json));
        }}
      />
      <button
        type="button"
        class="secondary small"
        aria-label={t('models.extras.customRemove', { key: props.name })}
        onClick={() =>
          props.editing.edit('customParams', (d) => {
            if (d.customParams) delete d.customParams[props.name];
          })
        }
      >
        ×
      </button>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </li>
  );
}

/** Ollama options the catalogue does not know: name and JSON-ish value, added, changed, removed. */
export function CustomParamsEditor(props: { editing: PresetEditing }) {
  const { t } = useI18n();
  const [error, setError] = createSignal<string | null>(null);
  let nameInput: HTMLInputElement | undefined;
  let valueInput: HTMLInputElement | undefined;
  const add = () => {
    if (!nameInput || !valueInput) return;
    const k = checkCustomKey(nameInput.value);
    if (!k.ok) { setError(errorText(t, k.error)); return; }
    if (props.editing.doc.customParams?.[k.key] !== undefined) { setError(errorText(t, { code: 'duplicate', key: k.key })); return; }
    const v = parseCustomValue(k.key, valueInput.value);
    if (!v.ok) { setError(errorText(t, v.error)); return; }
    setError(null);
    props.editing.edit('customParams', (d) => setCustom(d, k.key, v.json));
    nameInput.value = '';
    valueInput.value = '';
    nameInput.focus();
  };
  const onEnter = (e: KeyboardEvent) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    add();
  };
  return (
    <fieldset class="custom-params">
      <legend>{t('models.extras.customParams')}</legend>
      <p class="help">{t('models.extras.customParamsHelp')}</p>
      <ul class="custom-param-list">
        <For each={keysOf(props.editing.doc.customParams)}>{(name) => <CustomRow name={name} editing={props.editing} />}</For>
      </ul>
      {/* not a form: the editor may sit inside the New model form */}
      <div class="custom-add">
        <label class="field">
          <span>{t('models.extras.customName')}</span>
          <input ref={nameInput} spellcheck={false} autocomplete="off" onKeyDown={onEnter} />
        </label>
        <label class="field">
          <span>{t('models.extras.customValue')}</span>
          <input ref={valueInput} spellcheck={false} autocomplete="off" onKeyDown={onEnter} />
        </label>
        <button type="button" class="secondary" onClick={add}>
          {t('models.extras.customAdd')}
        </button>
      </div>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </fieldset>
  );
}
