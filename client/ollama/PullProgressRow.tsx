/**
 * One pull as the person sees it: status, a progress bar (role=progressbar, aria-valuenow),
 * percent, bytes done/total, speed, time left and Cancel; then success, the error in plain words,
 * "cancelled", or "interrupted" by a reload, with Dismiss / Retry (Resume).
 */
import { Show } from 'solid-js';
import { Dynamic } from 'solid-js/web';
import { useI18n } from '../i18n/context.tsx';
import { DiagnosisMessage } from './DiagnosisMessage.tsx';
import { formatBytes, formatDuration, formatPercent, formatSpeed } from './format.ts';
import type { PullJob } from './pull-manager.ts';
import { usePulls } from './pulls-context.tsx';
import './connections.css';

export function PullProgressRow(props: { job: PullJob; as?: 'li' | 'div' }) {
  const { t, locale } = useI18n();
  const pulls = usePulls();
  const job = () => props.job;
  const p = () => props.job.progress;
  const name = () => props.job.model;
  const active = () => job().state === 'queued' || job().state === 'running';
  const phaseText = () => {
    const s = job().state;
    if (s === 'queued' || s === 'cancelled' || s === 'interrupted') return t(`connections.phase.${s}`);
    if (s === 'success') return t('connections.phase.success');
    if (s === 'error') return t('connections.phase.error');
    const base = t(`connections.phase.${p().phase}`);
    return p().phase === 'downloading' && p().layers.length > 0 ? `${base} (${t('connections.layer', { n: p().layers.length })})` : base;
  };
  const percent = () => Math.round(Math.min(100, Math.max(0, p().percent)));
  const bytes = () =>
    p().bytesTotal > 0 ? t('connections.bytes', { done: formatBytes(p().bytesDone, locale()), total: formatBytes(p().bytesTotal, locale()) }) : '';

  return (
    <Dynamic component={props.as ?? 'li'} class="pull-row" aria-label={t('connections.pullOf', { name: name() })}>
      <div class="pull-head">
        <strong class="pull-name">{name()}</strong>
        <span class="pull-phase">{phaseText()}</span>
      </div>
      <Show when={active()}>
        <div
          class="progress"
          role="progressbar"
          aria-label={t('connections.pullOf', { name: name() })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent()}
          aria-valuetext={[formatPercent(p().percent, locale()), bytes()].filter(Boolean).join(', ')}
        >
          <div class="progress-fill" style={{ width: `${percent()}%` }} />
        </div>
        <div class="pull-stats">
          <span>{formatPercent(p().percent, locale())}</span>
          <Show when={bytes()}>
            <span>{bytes()}</span>
          </Show>
          <Show when={p().speed !== null && p().phase === 'downloading'}>
            <span>{t('connections.speed', { speed: formatSpeed(p().speed ?? 0, locale()) })}</span>
          </Show>
          <Show when={p().etaSeconds !== null && p().phase === 'downloading'}>
            <span>{t('connections.timeLeft', { time: formatDuration(p().etaSeconds ?? 0, locale()) })}</span>
          </Show>
          <Show when={p().status && p().status !== 'success'}>
            <span class="pull-raw">{p().status}</span>
          </Show>
        </div>
        <div class="pull-actions">
          <button type="button" class="secondary small" aria-label={t('connections.cancelPull', { name: name() })} onClick={() => pulls.cancel(job().id)}>
            {t('common.cancel')}
          </button>
        </div>
      </Show>
      <Show when={job().state === 'success'}>
        <p class="pull-result ok" role="status">
          {t('connections.pullSucceeded', { name: name() })}
        </p>
      </Show>
      <Show when={job().state === 'cancelled'}>
        <p class="pull-result" role="status">
          {t('connections.pullCancelled', { name: name() })}
        </p>
      </Show>
      <Show when={job().state === 'interrupted'}>
        <p class="pull-result" role="status">
          {t('connections.pullInterrupted', { name: name() })}
        </p>
      </Show>
      <Show when={job().state === 'error' && job().diagnosis}>
        {(d) => (
          <div class="pull-result" role="alert">
            <p>{t('connections.pullFailed', { name: name() })}</p>
            <DiagnosisMessage diagnosis={d()} />
          </div>
        )}
      </Show>
      <Show when={!active()}>
        <div class="pull-actions">
          <Show when={job().state === 'interrupted'}>
            <button type="button" class="small" aria-label={t('connections.resumePull', { name: name() })} onClick={() => pulls.start(name())}>
              {t('connections.resume')}
            </button>
          </Show>
          <Show when={job().state !== 'success' && job().state !== 'interrupted'}>
            <button type="button" class="secondary small" aria-label={t('connections.retryPull', { name: name() })} onClick={() => pulls.start(name())}>
              {t('connections.retry')}
            </button>
          </Show>
          <button type="button" class="secondary small" aria-label={t('connections.dismissPull', { name: name() })} onClick={() => pulls.dismiss(job().id)}>
            {t('connections.dismiss')}
          </button>
        </div>
      </Show>
    </Dynamic>
  );
}
