/**
 * Any Diagnosis (shared/ollama/diagnose.ts) in plain words, with what to do about it:
 * the exact OLLAMA_ORIGINS line for this app's origin (copyable), https for mixed content,
 * Chrome's Local Network Access prompt, Safari's refusal, server down, wrong URL, model
 * not found, busy… Used by Settings › Connections, the pulls, and the chat.
 */
import { createSignal, Match, Show, Switch, type JSX } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import type { Diagnosis } from '../../shared/ollama/diagnose.ts';
import { macosOriginsCommand, originsLine, serveWithOriginsCommand, systemdOriginsLines } from './commands.ts';
import './connections.css';

/** A line of shell or configuration with a Copy button. */
export function CommandLine(props: { text: string; multiline?: boolean }) {
  const { t } = useI18n();
  const [feedback, setFeedback] = createSignal<'copied' | 'failed' | null>(null);
  let codeEl: HTMLElement | undefined;
  const copy = async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(props.text);
      setFeedback('copied');
    } catch {
      // Select the text so that the person can copy it by hand.
      if (codeEl) {
        const range = document.createRange();
        range.selectNodeContents(codeEl);
        const sel = window.getSelection();
        sel?.removeAllRanges();
        sel?.addRange(range);
      }
      setFeedback('failed');
    }
    setTimeout(() => setFeedback(null), 4000);
  };
  return (
    <div class="command-line">
      {props.multiline ? (
        <pre>
          <code ref={codeEl}>{props.text}</code>
        </pre>
      ) : (
        <code ref={codeEl}>{props.text}</code>
      )}
      <button type="button" class="secondary small" aria-label={t('connections.copyLine', { line: props.text })} onClick={() => void copy()}>
        {t('common.copy')}
      </button>
      <span class="copy-feedback" role="status">
        {feedback() === 'copied' ? t('connections.copied') : feedback() === 'failed' ? t('connections.copyFailed') : ''}
      </span>
    </div>
  );
}

function OriginsHowTo(props: { origin: string }) {
  const { t } = useI18n();
  return (
    <>
      <CommandLine text={originsLine(props.origin)} />
      <p>{t('connections.diagnosis.cors.multiple')}</p>
      <details class="how-to">
        <summary>{t('connections.diagnosis.cors.howTo')}</summary>
        <p>{t('connections.diagnosis.cors.macos')}</p>
        <CommandLine text={macosOriginsCommand(props.origin)} />
        <p>{t('connections.diagnosis.cors.linux')}</p>
        <CommandLine text={systemdOriginsLines(props.origin)} multiline />
        <p>{t('connections.diagnosis.cors.windows')}</p>
        <CommandLine text={props.origin} />
        <p>{t('connections.diagnosis.cors.manual')}</p>
        <CommandLine text={serveWithOriginsCommand(props.origin)} />
      </details>
    </>
  );
}

function appOrigin(): string {
  return location.origin;
}

export function DiagnosisMessage(props: { diagnosis: Diagnosis; class?: string }): JSX.Element {
  const { t } = useI18n();
  const d = () => props.diagnosis;
  const title = () => {
    const x = d();
    switch (x.code) {
      case 'bad-gateway':
        return t('connections.diagnosis.bad-gateway.title', { status: x.status });
      case 'http':
        return t('connections.diagnosis.http.title', { status: x.status });
      case 'unsupported':
        return t('connections.diagnosis.unsupported.title', { model: x.model });
      case 'bad-key':
        return t('connections.diagnosis.bad-key.title', { status: x.status });
      case 'endpoint-http':
        return t('connections.diagnosis.endpoint-http.title', { status: x.status });
      default:
        return t(`connections.diagnosis.${x.code}.title`);
    }
  };
  return (
    <div class={`diagnosis ${d().code === 'ok' ? 'diagnosis-ok' : 'diagnosis-problem'} ${props.class ?? ''}`} data-code={d().code}>
      <p class="diagnosis-title">
        <strong>{title()}</strong>
      </p>
      <Switch>
        <Match when={d().code === 'bad-url' && (d() as Extract<Diagnosis, { code: 'bad-url' }>)}>
          {(x) => <p>{t(`connections.diagnosis.bad-url.${x().reason}`, { endpoint: x().endpoint })}</p>}
        </Match>
        <Match when={d().code === 'mixed-content' && (d() as Extract<Diagnosis, { code: 'mixed-content' }>)}>
          {(x) => (
            <>
              <p>{t('connections.diagnosis.mixed-content.body', { origin: x().appOrigin, endpoint: x().endpoint })}</p>
              <p>{t('connections.diagnosis.mixed-content.fix')}</p>
              <CommandLine text={originsLine(x().appOrigin)} />
              <p>{t('connections.diagnosis.mixed-content.alt')}</p>
            </>
          )}
        </Match>
        <Match when={d().code === 'safari-https-http' && (d() as Extract<Diagnosis, { code: 'safari-https-http' }>)}>
          {(x) => (
            <>
              <p>{t('connections.diagnosis.safari-https-http.body', { endpoint: x().endpoint })}</p>
              <p>{t('connections.diagnosis.safari-https-http.fix')}</p>
              <CommandLine text={originsLine(appOrigin())} />
            </>
          )}
        </Match>
        <Match when={d().code === 'local-network-access' && (d() as Extract<Diagnosis, { code: 'local-network-access' }>)}>
          {(x) => <p>{t(`connections.diagnosis.local-network-access.${x().state}`, { endpoint: x().endpoint })}</p>}
        </Match>
        <Match when={d().code === 'cors' && (d() as Extract<Diagnosis, { code: 'cors' }>)}>
          {(x) => (
            <>
              <p>{t('connections.diagnosis.cors.body', { origin: x().origin })}</p>
              <OriginsHowTo origin={x().origin} />
            </>
          )}
        </Match>
        <Match when={d().code === 'server-down' && (d() as Extract<Diagnosis, { code: 'server-down' }>)}>
          {(x) => (
            <>
              <p>{t('connections.diagnosis.server-down.body', { endpoint: x().endpoint })}</p>
              <Show when={x().remote}>
                <p>{t('connections.diagnosis.remote')}</p>
              </Show>
            </>
          )}
        </Match>
        <Match when={d().code === 'unreachable' && (d() as Extract<Diagnosis, { code: 'unreachable' }>)}>
          {(x) => (
            <>
              <p>{t('connections.diagnosis.unreachable.body', { endpoint: x().endpoint })}</p>
              <OriginsHowTo origin={x().origin} />
              <Show when={x().remote}>
                <p>{t('connections.diagnosis.remote')}</p>
              </Show>
            </>
          )}
        </Match>
        <Match when={d().code === 'forbidden-host' && (d() as Extract<Diagnosis, { code: 'forbidden-host' }>)}>
          {(x) => <p>{t('connections.diagnosis.forbidden-host.body', { endpoint: x().endpoint })}</p>}
        </Match>
        <Match when={d().code === 'bad-gateway' && (d() as Extract<Diagnosis, { code: 'bad-gateway' }>)}>
          {(x) => <p>{t('connections.diagnosis.bad-gateway.body', { endpoint: x().endpoint })}</p>}
        </Match>
        <Match when={d().code === 'not-ollama' && (d() as Extract<Diagnosis, { code: 'not-ollama' }>)}>
          {(x) => <p>{t('connections.diagnosis.not-ollama.body', { endpoint: x().endpoint })}</p>}
        </Match>
        <Match when={d().code === 'model-not-found' && (d() as Extract<Diagnosis, { code: 'model-not-found' }>)}>
          {(x) => <p>{t(`connections.diagnosis.model-not-found.${x().where}`, { model: x().model })}</p>}
        </Match>
        <Match when={d().code === 'invalid-model-name' && (d() as Extract<Diagnosis, { code: 'invalid-model-name' }>)}>
          {(x) => <p>{t('connections.diagnosis.invalid-model-name.body', { model: x().model })}</p>}
        </Match>
        <Match when={d().code === 'unsupported' && (d() as Extract<Diagnosis, { code: 'unsupported' }>)}>
          {(x) => <p>{t(`connections.diagnosis.unsupported.${x().feature}`, { model: x().model })}</p>}
        </Match>
        <Match when={d().code === 'no-embedding-model'}>
          <p>{t('connections.diagnosis.no-embedding-model.body')}</p>
        </Match>
        <Match when={d().code === 'busy' && (d() as Extract<Diagnosis, { code: 'busy' }>)}>
          {(x) => (
            <>
              <p>{t('connections.diagnosis.busy.body')}</p>
              <Show when={x().message}>
                <p class="help">{t('connections.diagnosis.http.body', { message: x().message })}</p>
              </Show>
            </>
          )}
        </Match>
        <Match when={d().code === 'http' && (d() as Extract<Diagnosis, { code: 'http' }>)}>
          {(x) => <p>{t('connections.diagnosis.http.body', { message: x().message })}</p>}
        </Match>
        <Match when={d().code === 'stream-error' && (d() as Extract<Diagnosis, { code: 'stream-error' }>)}>
          {(x) => <p>{t('connections.diagnosis.stream-error.body', { message: x().message })}</p>}
        </Match>
        <Match when={d().code === 'connection-lost' && (d() as Extract<Diagnosis, { code: 'connection-lost' }>)}>
          {(x) => <p>{t('connections.diagnosis.connection-lost.body', { endpoint: x().endpoint })}</p>}
        </Match>
        <Match when={d().code === 'timeout' && (d() as Extract<Diagnosis, { code: 'timeout' }>)}>
          {(x) => <p>{t('connections.diagnosis.timeout.body', { endpoint: x().endpoint })}</p>}
        </Match>
        <Match when={d().code === 'unknown' && (d() as Extract<Diagnosis, { code: 'unknown' }>)}>
          {(x) => <p>{t('connections.diagnosis.unknown.body', { message: x().message })}</p>}
        </Match>
        <Match when={d().code === 'bad-key' && (d() as Extract<Diagnosis, { code: 'bad-key' }>)}>
          {(x) => (
            <>
              <p>{t('connections.diagnosis.bad-key.body', { endpoint: x().endpoint })}</p>
              <Show when={x().message}>
                <p class="help">{t('connections.diagnosis.endpoint-http.body', { message: x().message })}</p>
              </Show>
            </>
          )}
        </Match>
        <Match when={d().code === 'rate-limited' && (d() as Extract<Diagnosis, { code: 'rate-limited' }>)}>
          {(x) => (
            <>
              <p>{t('connections.diagnosis.rate-limited.body')}</p>
              <Show when={x().retryAfterSeconds !== undefined}>
                <p>{t('connections.diagnosis.rate-limited.retryAfter', { seconds: x().retryAfterSeconds ?? 0 })}</p>
              </Show>
              <Show when={x().message}>
                <p class="help">{t('connections.diagnosis.endpoint-http.body', { message: x().message })}</p>
              </Show>
            </>
          )}
        </Match>
        <Match when={d().code === 'endpoint-cors' && (d() as Extract<Diagnosis, { code: 'endpoint-cors' }>)}>
          {(x) => <p>{t('connections.diagnosis.endpoint-cors.body', { endpoint: x().endpoint, origin: x().origin })}</p>}
        </Match>
        <Match when={d().code === 'endpoint-down' && (d() as Extract<Diagnosis, { code: 'endpoint-down' }>)}>
          {(x) => <p>{t('connections.diagnosis.endpoint-down.body', { endpoint: x().endpoint })}</p>}
        </Match>
        <Match when={d().code === 'endpoint-http' && (d() as Extract<Diagnosis, { code: 'endpoint-http' }>)}>
          {(x) => <p>{t('connections.diagnosis.endpoint-http.body', { message: x().message })}</p>}
        </Match>
        <Match when={d().code === 'endpoint-model-not-found' && (d() as Extract<Diagnosis, { code: 'endpoint-model-not-found' }>)}>
          {(x) => <p>{t('connections.diagnosis.endpoint-model-not-found.body', { endpoint: x().endpoint, model: x().model })}</p>}
        </Match>
        <Match when={d().code === 'endpoint-stream-error' && (d() as Extract<Diagnosis, { code: 'endpoint-stream-error' }>)}>
          {(x) => <p>{t('connections.diagnosis.endpoint-stream-error.body', { message: x().message })}</p>}
        </Match>
        <Match when={d().code === 'endpoint-connection-lost' && (d() as Extract<Diagnosis, { code: 'endpoint-connection-lost' }>)}>
          {(x) => <p>{t('connections.diagnosis.endpoint-connection-lost.body', { endpoint: x().endpoint })}</p>}
        </Match>
        <Match when={d().code === 'endpoint-timeout' && (d() as Extract<Diagnosis, { code: 'endpoint-timeout' }>)}>
          {(x) => <p>{t('connections.diagnosis.endpoint-timeout.body', { endpoint: x().endpoint })}</p>}
        </Match>
      </Switch>
    </div>
  );
}
