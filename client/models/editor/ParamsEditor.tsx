import { createSignal, For, Index, Match, Show, Switch } from 'solid-js';
import { useI18n, type Translate } from '../../i18n/context.tsx';
import { PARAM_LIST, THINK_LEVELS, validateParam, type ParamError, type ParamSpec } from '../../../shared/params/catalogue.ts';
import type { ParamValue } from '../../../shared/schema/index.ts';
import type { PresetEditing } from '../editing.ts';

function errorText(t: Translate, label: string, e: ParamError): string {
  switch (e.code) {
    case 'param-out-of-range':
      return t('models.error.param-range', { key: label, min: e.min ?? '−∞', max: e.max ?? '∞' });
    case 'param-not-integer':
      return t('models.error.param-integer', { key: label });
    case 'param-bad-format':
      return t('models.error.param-format');
    case 'param-bad-duration':
      return t('models.error.param-duration');
    default:
      return t('models.error.param', { key: label });
  }
}

function ParamRow(props: { spec: ParamSpec; editing: PresetEditing }) {
  const { t } = useI18n();
  const key = props.spec.key;
  const label = () => t(`models.paramLabel.${key}`);
  const value = () => props.editing.doc.params[key];
  const isSet = () => value() !== undefined;
  const [error, setError] = createSignal<string | null>(null);
  const inputId = `param-${key}`;

  const commit = (raw: unknown) => {
    const r = validateParam(key, raw);
    if (!r.ok) {
      setError(errorText(t, label(), r.error));
      return;
    }
    setError(null);
    props.editing.edit('params', (d) => {
      d.params[key] = r.value;
    });
  };
  const toggle = () => {
    setError(null);
    props.editing.edit('params', (d) => {
      if (d.params[key] === undefined) d.params[key] = structuredClone(props.spec.custom) as ParamValue;
      else delete d.params[key];
    });
  };
  const stopList = () => (Array.isArray(value()) ? (value() as string[]) : []);
  let stopInput: HTMLInputElement | undefined;
  const addStop = () => {
    if (!stopInput?.value) return;
    commit([...stopList(), stopInput.value]);
    stopInput.value = '';
  };

  return (
    <div class="param-row" role="group" aria-labelledby={`${inputId}-label`}>
      <div class="param-head">
        <span id={`${inputId}-label`} class="param-label">
          {label()}
        </span>
        <button type="button" class="secondary small" aria-pressed={isSet()} aria-label={t('models.paramToggle', { name: label() })} onClick={toggle}>
          {isSet() ? t('models.paramCustom') : t('models.paramDefault')}
        </button>
      </div>
      <Show when={isSet()}>
        <Switch>
          <Match when={props.spec.kind === 'number' || props.spec.kind === 'integer'}>
            <div class="param-number">
              <Show when={props.spec.min !== undefined && props.spec.max !== undefined && props.spec.max - props.spec.min <= 1000}>
                <input
                  type="range"
                  aria-hidden="true"
                  tabIndex={-1}
                  min={props.spec.min}
                  max={props.spec.max}
                  step={props.spec.step}
                  value={Number(value())}
                  onInput={(e) => commit(e.currentTarget.value)}
                />
              </Show>
              <input
                id={inputId}
                type="number"
                aria-label={label()}
                min={props.spec.min}
                max={props.spec.max}
                step={props.spec.step ?? 'any'}
                value={Number(value())}
                onChange={(e) => commit(e.currentTarget.value)}
              />
            </div>
          </Match>
          <Match when={props.spec.kind === 'boolean'}>
            <label class="check">
              <input type="checkbox" checked={value() === true} onChange={(e) => commit(e.currentTarget.checked)} />
              <span>{label()}</span>
            </label>
          </Match>
          <Match when={props.spec.kind === 'enum'}>
            <select aria-label={label()} value={String(value())} onChange={(e) => commit(Number(e.currentTarget.value))}>
              <For each={props.spec.options ?? []}>{(o) => <option value={String(o)}>{o}</option>}</For>
            </select>
          </Match>
          <Match when={props.spec.kind === 'string-list'}>
            <div class="stop-list">
              <Index each={stopList()}>
                {(s, i) => (
                  <div class="stop-item">
                    <input
                      aria-label={t('models.stopItem', { n: i + 1 })}
                      value={s()}
                      onChange={(e) => {
                        const next = [...stopList()];
                        next[i] = e.currentTarget.value;
                        commit(next.filter((x) => x !== ''));
                      }}
                    />
                    <button
                      type="button"
                      class="secondary small"
                      aria-label={t('models.stopRemove', { n: i + 1 })}
                      onClick={() => {
                        const next = stopList().filter((_, j) => j !== i);
                        props.editing.edit('params', (d) => {
                          d.params[key] = next;
                        });
                      }}
                    >
                      ×
                    </button>
                  </div>
                )}
              </Index>
              {/* not a form: the editor may sit inside the New model form, which keeps Enter from submitting it */}
              <div class="stop-add">
                <input
                  ref={stopInput}
                  aria-label={t('models.stopAdd')}
                  onKeyDown={(e) => {
                    if (e.key !== 'Enter') return;
                    e.preventDefault();
                    addStop();
                  }}
                />
                <button type="button" class="secondary small" onClick={addStop}>
                  {t('models.stopAdd')}
                </button>
              </div>
            </div>
          </Match>
          <Match when={props.spec.kind === 'duration'}>
            <input id={inputId} aria-label={label()} value={String(value())} onChange={(e) => commit(e.currentTarget.value)} />
          </Match>
          <Match when={props.spec.kind === 'think'}>
            <select
              aria-label={label()}
              value={String(value())}
              onChange={(e) => {
                const v = e.currentTarget.value;
                commit(v === 'true' ? true : v === 'false' ? false : v);
              }}
            >
              <option value="true">{t('models.thinkOn')}</option>
              <option value="false">{t('models.thinkOff')}</option>
              <For each={THINK_LEVELS}>
                {(l) => <option value={l}>{t(l === 'low' ? 'models.thinkLow' : l === 'medium' ? 'models.thinkMedium' : 'models.thinkHigh')}</option>}
              </For>
            </select>
          </Match>
          <Match when={props.spec.kind === 'format'}>
            <textarea id={inputId} aria-label={label()} rows={3} spellcheck={false} value={String(value())} onChange={(e) => commit(e.currentTarget.value)} />
            <p class="help">{t('models.formatHelp')}</p>
          </Match>
        </Switch>
        <Show when={error()}>
          <p class="error" role="alert">
            {error()}
          </p>
        </Show>
      </Show>
    </div>
  );
}

export function ParamsEditor(props: { editing: PresetEditing }) {
  const { t } = useI18n();
  return (
    <fieldset class="params">
      <legend>{t('models.params')}</legend>
      <For each={PARAM_LIST}>{(spec) => <ParamRow spec={spec} editing={props.editing} />}</For>
    </fieldset>
  );
}
