import { createSignal, For, Match, onMount, Show, Switch } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { useDeviceSettings } from '../../repo/device-settings-context.tsx';
import { createOllamaClient, type Diagnosis } from '../../ollama/client.ts';
import { DiagnosisMessage } from '../../ollama/DiagnosisMessage.tsx';
import { InstalledModels } from '../../ollama/InstalledModels.tsx';
import { PullProgressRow } from '../../ollama/PullProgressRow.tsx';
import { usePulls } from '../../ollama/pulls-context.tsx';
import { OpenAIConnections } from '../../openai/OpenAIConnections.tsx';
import '../../ollama/connections.css';

type Status =
  | { kind: 'idle' }
  | { kind: 'checking'; endpoint: string }
  | { kind: 'ok'; endpoint: string; version: string }
  | { kind: 'problem'; diagnosis: Diagnosis };

/**
 * Settings › Connections: this device's Ollama endpoint (never synced), Verify with a real
 * diagnosis, pulls with progress, and the installed models.
 */
export function ConnectionsSettings() {
  const { t } = useI18n();
  const device = useDeviceSettings();
  const pulls = usePulls();
  const [field, setField] = createSignal(device.settings.ollamaEndpoint);
  const [saved, setSaved] = createSignal(false);
  const [status, setStatus] = createSignal<Status>({ kind: 'idle' });
  const [pullInput, setPullInput] = createSignal('');
  const [pullMessage, setPullMessage] = createSignal<string | null>(null);
  let checkSeq = 0;

  const unsaved = () => field().trim() !== device.settings.ollamaEndpoint;

  /** Verifies `endpoint`; when it is the saved one and it answers, reloads the installed list. */
  const check = async (endpoint: string) => {
    const seq = ++checkSeq;
    setStatus({ kind: 'checking', endpoint });
    const result = await createOllamaClient(endpoint).verify();
    if (seq !== checkSeq) return;
    if (result.ok) {
      setStatus({ kind: 'ok', endpoint: result.endpoint, version: result.version });
      if (endpoint === device.settings.ollamaEndpoint) void pulls.installed.refresh();
    } else {
      setStatus({ kind: 'problem', diagnosis: result.diagnosis });
    }
  };

  onMount(() => void check(device.settings.ollamaEndpoint));

  const save = () => {
    const value = field().trim();
    setField(value);
    if (!value) {
      setStatus({ kind: 'problem', diagnosis: { code: 'bad-url', reason: 'empty', endpoint: value } });
      return;
    }
    device.update({ ollamaEndpoint: value });
    setSaved(true);
    void check(value);
  };

  const startPull = () => {
    const input = pullInput().trim();
    if (!input) return;
    const r = pulls.start(input);
    if (r.ok) {
      setPullInput('');
      setPullMessage(null);
    } else if (r.reason === 'invalid') setPullMessage(t('connections.pullInvalid', { input }));
    else setPullMessage(t('connections.pullAlready', { name: r.job.model }));
  };

  return (
    <section aria-labelledby="connections-title" class="connections">
      <h2 id="connections-title">{t('connections.title')}</h2>

      <div class="card">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <label class="field" for="ollama-endpoint">
            <span>{t('connections.endpoint')}</span>
          </label>
          <div class="endpoint-row">
            <input
              id="ollama-endpoint"
              name="endpoint"
              type="text"
              inputmode="url"
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              placeholder={t('connections.endpointPlaceholder')}
              aria-describedby="ollama-endpoint-help"
              value={field()}
              onInput={(e) => {
                setField(e.currentTarget.value);
                setSaved(false);
              }}
            />
            <button type="submit">{t('common.save')}</button>
            <button type="button" class="secondary" onClick={() => void check(field().trim())}>
              {t('connections.verify')}
            </button>
          </div>
          <p class="help" id="ollama-endpoint-help">
            {t('connections.endpointHelp')}
          </p>
          <Show when={saved()}>
            <p role="status">{t('connections.saved')}</p>
          </Show>
          <Show when={unsaved()}>
            <p class="help">{t('connections.notSaved', { endpoint: device.settings.ollamaEndpoint })}</p>
          </Show>
        </form>

        <div
          role="status"
          aria-label={t('connections.statusLabel')}
          class={`connection-status ${status().kind}`}
        >
          <span class="dot" aria-hidden="true" />
          <div>
            <Switch>
              <Match when={status().kind === 'idle'}>
                <p>{t('connections.notChecked')}</p>
              </Match>
              <Match when={status().kind === 'checking' && (status() as Extract<Status, { kind: 'checking' }>)}>
                {(s) => <p>{t('connections.checking', { endpoint: s().endpoint })}</p>}
              </Match>
              <Match when={status().kind === 'ok' && (status() as Extract<Status, { kind: 'ok' }>)}>
                {(s) => <p>{t('connections.connected', { version: s().version, endpoint: s().endpoint })}</p>}
              </Match>
              <Match when={status().kind === 'problem' && (status() as Extract<Status, { kind: 'problem' }>)}>
                {(s) => <DiagnosisMessage diagnosis={s().diagnosis} />}
              </Match>
            </Switch>
          </div>
        </div>
      </div>

      <OpenAIConnections />

      <section class="card" aria-labelledby="pull-title">
        <h3 id="pull-title">{t('connections.pullTitle')}</h3>
        <form
          class="pull-form"
          onSubmit={(e) => {
            e.preventDefault();
            startPull();
          }}
        >
          <label class="field">
            <span>{t('connections.pullField')}</span>
            <input
              name="model"
              type="text"
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              placeholder={t('connections.pullPlaceholder')}
              aria-describedby="pull-help"
              value={pullInput()}
              onInput={(e) => {
                setPullInput(e.currentTarget.value);
                setPullMessage(null);
              }}
            />
          </label>
          <button type="submit">{t('connections.pullButton')}</button>
        </form>
        <p class="help" id="pull-help">
          {t('connections.pullHelp')}
        </p>
        <p class="error live-message" role="alert">
          {pullMessage() ?? ''}
        </p>
        <Show when={pulls.jobs.length > 0}>
          <ul class="pull-list" aria-label={t('connections.pulls')}>
            <For each={pulls.jobs}>{(job) => <PullProgressRow job={job} />}</For>
          </ul>
        </Show>
      </section>

      <InstalledModels unreachable={status().kind === 'problem'} />
    </section>
  );
}
