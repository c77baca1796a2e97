/**
 * The installed models of the device's Ollama (name, size, family, parameters, quantisation,
 * context, capabilities, in memory), each deletable after an inline confirmation. When Ollama
 * cannot be reached, the last known list kept on the device is shown instead, read-only.
 */
import { createSignal, For, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useOllamaModels } from './known-models-context.tsx';
import type { Diagnosis } from '../../shared/ollama/diagnose.ts';
import { DiagnosisMessage } from './DiagnosisMessage.tsx';
import { formatBytes, formatContext } from './format.ts';
import type { InstalledModel } from './installed.ts';
import type { KnownModel } from './known-models.ts';
import { usePulls } from './pulls-context.tsx';
import './connections.css';

const CAPABILITIES = ['completion', 'tools', 'vision', 'thinking', 'embedding', 'insert'] as const;
type Capability = (typeof CAPABILITIES)[number];

function isKnownCapability(c: string): c is Capability {
  return (CAPABILITIES as readonly string[]).includes(c);
}

function ModelItem(props: { model: KnownModel & Partial<InstalledModel>; stale: boolean }) {
  const { t, locale } = useI18n();
  const pulls = usePulls();
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<Diagnosis | null>(null);
  let deleteButton: HTMLButtonElement | undefined;
  let keepButton: HTMLButtonElement | undefined;
  const m = () => props.model;
  const caps = () => m().capabilities.filter((c) => c !== 'completion');
  const capLabel = (c: string) => (isKnownCapability(c) ? t(`connections.capability.${c}`) : c);

  const remove = async () => {
    setBusy(true);
    setError(null);
    const d = await pulls.installed.remove(m().name);
    setBusy(false);
    if (d) {
      setError(d);
      setConfirming(false);
    }
  };

  return (
    <li class={`installed-model${props.stale ? ' stale' : ''}`} aria-label={m().name}>
      <div class="im-head">
        <strong class="im-name">{m().name}</strong>
        <Show when={m().loaded}>
          <span class="badge loaded" title={t('connections.loadedHelp')}>
            {t('connections.loaded')}
          </span>
        </Show>
      </div>
      <dl class="im-meta">
        <div>
          <dt>{t('connections.size')}</dt>
          <dd>{formatBytes(m().size, locale())}</dd>
        </div>
        <Show when={m().family}>
          <div>
            <dt>{t('connections.family')}</dt>
            <dd>{m().family}</dd>
          </div>
        </Show>
        <Show when={m().parameterSize}>
          <div>
            <dt>{t('connections.parameters')}</dt>
            <dd>{m().parameterSize}</dd>
          </div>
        </Show>
        <Show when={m().quantization}>
          <div>
            <dt>{t('connections.quantization')}</dt>
            <dd>{m().quantization}</dd>
          </div>
        </Show>
        <Show when={m().contextLength}>
          {(n) => (
            <div>
              <dt>{t('connections.context')}</dt>
              <dd>{formatContext(n())}</dd>
            </div>
          )}
        </Show>
      </dl>
      <Show when={caps().length > 0}>
        <ul class="im-caps" aria-label={t('connections.capabilities')}>
          <For each={caps()}>{(c) => <li class="cap">{capLabel(c)}</li>}</For>
        </ul>
      </Show>
      <Show when={error()}>{(d) => <DiagnosisMessage diagnosis={d()} />}</Show>
      <Show when={!props.stale}>
        <Show
          when={confirming()}
          fallback={
            <div class="row-actions">
              <button
                ref={deleteButton}
                type="button"
                class="secondary small"
                aria-label={t('connections.deleteModel', { name: m().name })}
                onClick={() => {
                  setConfirming(true);
                  keepButton?.focus();
                }}
              >
                {t('common.delete')}
              </button>
            </div>
          }
        >
          <div class="delete-confirm" role="group" aria-label={t('connections.deleteModel', { name: m().name })}>
            <p>{t('connections.deleteConfirm', { name: m().name, size: formatBytes(m().size, locale()) })}</p>
            <div class="row-actions">
              <button type="button" class="danger small" disabled={busy()} aria-label={t('connections.deleteConfirmButton', { name: m().name })} onClick={() => void remove()}>
                {busy() ? t('connections.deleting') : t('connections.yesDelete')}
              </button>
              <button
                ref={keepButton}
                type="button"
                class="secondary small"
                disabled={busy()}
                aria-label={t('connections.deleteCancel', { name: m().name })}
                onClick={() => {
                  setConfirming(false);
                  deleteButton?.focus();
                }}
              >
                {t('connections.keep')}
              </button>
            </div>
          </div>
        </Show>
      </Show>
    </li>
  );
}

/** `unreachable`: the page's Verify just failed (so a stale list is the last known one). */
export function InstalledModels(props: { unreachable?: boolean }) {
  const { t } = useI18n();
  const ollamaModels = useOllamaModels();
  const pulls = usePulls();
  const state = pulls.installed.state;
  const live = () => state.models;
  const stale = () => live() === null;
  const shown = () => live() ?? ollamaModels.models();

  return (
    <section class="card" aria-labelledby="installed-title">
      <div class="section-head">
        <h3 id="installed-title">{t('connections.installed')}</h3>
        <button type="button" class="secondary small" disabled={state.loading} onClick={() => void pulls.installed.refresh()}>
          {t('connections.refresh')}
        </button>
      </div>
      <p class="help">{t('connections.installedHelp')}</p>
      <Show when={state.loading}>
        <p class="loading" role="status">
          {t('connections.refreshing')}
        </p>
      </Show>
      <Show when={stale() && !state.loading && (state.diagnosis || props.unreachable) && shown().length > 0}>
        <p class="help">{t('connections.lastKnown')}</p>
      </Show>
      <Show when={!state.loading && live() !== null && live()!.length === 0}>
        <p class="help">{t('connections.noModels')}</p>
      </Show>
      <ul class="installed-list" aria-label={t('connections.installed')}>
        <For each={shown()}>{(m) => <ModelItem model={m} stale={stale()} />}</For>
      </ul>
    </section>
  );
}
