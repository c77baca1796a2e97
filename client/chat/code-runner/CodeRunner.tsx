import { For, Match, Show, Switch, type JSX } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { isActive, type BlockRun } from './block-run.ts';

/** Run / Stop, in the code block's header next to Copy. */
export function RunButton(props: { run: BlockRun; code: string }): JSX.Element {
  const { t } = useI18n();
  return (
    <Show
      when={isActive(props.run.status())}
      fallback={
        <button type="button" class="code-run secondary small" aria-label={t('codeRunner.runLabel')} onClick={() => props.run.run(props.code)}>
          {t('codeRunner.run')}
        </button>
      }
    >
      <button type="button" class="code-stop danger small" aria-label={t('codeRunner.stopLabel')} onClick={() => props.run.stop()}>
        {t('codeRunner.stop')}
      </button>
    </Show>
  );
}

/** What the run printed, its result or traceback, and where it stands; under the code. */
export function RunOutput(props: { run: BlockRun }): JSX.Element {
  const { t } = useI18n();
  const r = props.run;
  const empty = () => r.output().length === 0 && r.result() === null;
  return (
    <Show when={r.status() !== 'idle'}>
      <section class="code-output" aria-label={t('codeRunner.output')}>
        <p class="code-output-status" role="status">
          <Switch>
            <Match when={r.status() === 'loading'}>{t('codeRunner.loading')}</Match>
            <Match when={r.status() === 'running'}>{t('codeRunner.running')}</Match>
            <Match when={r.status() === 'done'}>{empty() ? t('codeRunner.noOutput') : t('codeRunner.done')}</Match>
            <Match when={r.status() === 'failed'}>{t('codeRunner.failed')}</Match>
            <Match when={r.status() === 'stopped'}>{t('codeRunner.stopped')}</Match>
            <Match when={r.status() === 'load-failed'}>{t('codeRunner.loadFailed', { message: r.error() ?? '' })}</Match>
          </Switch>
        </p>
        <Show when={r.output().length > 0}>
          <pre class="code-output-text">
            <For each={r.output()}>{(c) => <span class={c.stream === 'stderr' ? 'code-stderr' : undefined}>{c.text}</span>}</For>
          </pre>
        </Show>
        <Show when={r.result()}>
          {(value) => (
            <pre class="code-output-result" aria-label={t('codeRunner.result')}>
              {value()}
            </pre>
          )}
        </Show>
        <Show when={r.status() === 'failed' && r.error()}>{(tb) => <pre class="code-output-error">{tb()}</pre>}</Show>
      </section>
    </Show>
  );
}
