import { createSignal, For, Index, Match, onMount, Show, Switch } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useOpenAIConnections } from './connections-context.tsx';
import { DiagnosisMessage } from '../ollama/DiagnosisMessage.tsx';
import type { Diagnosis } from '../../shared/ollama/diagnose.ts';
import { precheckBaseUrl } from '../../shared/openai/errors.ts';
import { createOpenAIClient } from './client.ts';
import { maskKey, type OpenAIConnection } from './connections.ts';

type Status = { kind: 'idle' } | { kind: 'checking' } | { kind: 'ok'; count: number } | { kind: 'problem'; diagnosis: Diagnosis };

/**
 * Settings › Connections: the OpenAI-compatible endpoints of this device (OpenAI, llama.cpp,
 * LM Studio, vLLM…): add, edit, remove; Verify lists the endpoint's models (GET /models) and
 * keeps them for the model selector, or shows the diagnosis. Keys are masked and never shown again.
 */
export function OpenAIConnections() {
  const { t } = useI18n();
  const store = useOpenAIConnections();
  const [editing, setEditing] = createSignal<string | 'new' | null>(null);
  const [statuses, setStatuses] = createSignal<Record<string, Status>>({});
  const statusOf = (id: string): Status => statuses()[id] ?? { kind: 'idle' };
  const setStatus = (id: string, s: Status) => setStatuses({ ...statuses(), [id]: s });

  const verify = async (c: OpenAIConnection) => {
    setStatus(c.id, { kind: 'checking' });
    const r = await createOpenAIClient(c).verify();
    if (r.ok) {
      store.saveModels(c.id, r.models.map((m) => m.id));
      setStatus(c.id, { kind: 'ok', count: r.models.length });
    } else setStatus(c.id, { kind: 'problem', diagnosis: r.diagnosis });
  };

  onMount(() => {
    for (const c of store.connections()) void verify(c);
  });

  return (
    <section class="card openai-connections" aria-labelledby="openai-title">
      <h3 id="openai-title">{t('connections.openai.title')}</h3>
      <p class="help">{t('connections.openai.help')}</p>
      <Show when={store.connections().length === 0 && editing() !== 'new'}>
        <p>{t('connections.openai.none')}</p>
      </Show>
      <ul class="openai-list">
        <Index each={store.connections()}>
          {(c) => (
            <li aria-label={c().name} class="openai-connection">
              <Show
                when={editing() === c().id}
                fallback={
                  <>
                    <p>
                      <strong>{c().name}</strong> — <code>{c().baseUrl}</code> — <span class="key">{c().apiKey ? maskKey(c().apiKey) : t('connections.openai.noKey')}</span>
                    </p>
                    <div class="row">
                      <button type="button" class="secondary" aria-label={t('connections.openai.verify', { name: c().name })} onClick={() => void verify(c())}>
                        {t('connections.verify')}
                      </button>
                      <button type="button" class="secondary" aria-label={t('connections.openai.edit', { name: c().name })} onClick={() => setEditing(c().id)}>
                        {t('connections.openai.editButton')}
                      </button>
                      <RemoveButton connection={c()} />
                    </div>
                    <div role="status" aria-label={t('connections.openai.statusLabel', { name: c().name })} class={`connection-status ${statusOf(c().id).kind}`}>
                      <Switch>
                        <Match when={statusOf(c().id).kind === 'checking'}>
                          <p>{t('connections.openai.checking', { endpoint: c().baseUrl })}</p>
                        </Match>
                        <Match when={statusOf(c().id).kind === 'ok' && (statusOf(c().id) as Extract<Status, { kind: 'ok' }>)}>
                          {(s) => <p>{t('connections.openai.connected', { count: s().count, endpoint: c().baseUrl })}</p>}
                        </Match>
                        <Match when={statusOf(c().id).kind === 'problem' && (statusOf(c().id) as Extract<Status, { kind: 'problem' }>)}>
                          {(s) => <DiagnosisMessage diagnosis={s().diagnosis} />}
                        </Match>
                      </Switch>
                    </div>
                    <Show when={store.modelsOf(c().id).length > 0}>
                      <details>
                        <summary>{t('connections.openai.models', { name: c().name })}</summary>
                        <ul aria-label={t('connections.openai.models', { name: c().name })}>
                          <For each={store.modelsOf(c().id)}>
                            {(m) => (
                              <li>
                                <span>{m}</span>{' '}
                                <label>
                                  <input
                                    type="checkbox"
                                    aria-label={t('connections.openai.visionLabel', { model: m })}
                                    checked={store.isVision(c().id, m)}
                                    onChange={(e) => store.setVision(c().id, m, e.currentTarget.checked)}
                                  />{' '}
                                  {t('connections.openai.vision')}
                                </label>
                              </li>
                            )}
                          </For>
                        </ul>
                      </details>
                    </Show>
                  </>
                }
              >
                <ConnectionForm
                  connection={c()}
                  onDone={(saved) => {
                    setEditing(null);
                    if (saved) void verify(saved);
                  }}
                />
              </Show>
            </li>
          )}
        </Index>
      </ul>
      <Show
        when={editing() === 'new'}
        fallback={
          <button type="button" onClick={() => setEditing('new')}>
            {t('connections.openai.add')}
          </button>
        }
      >
        <ConnectionForm
          onDone={(saved) => {
            setEditing(null);
            if (saved) void verify(saved);
          }}
        />
      </Show>
    </section>
  );
}

function RemoveButton(props: { connection: OpenAIConnection }) {
  const { t } = useI18n();
  const store = useOpenAIConnections();
  const [asking, setAsking] = createSignal(false);
  return (
    <Show
      when={asking()}
      fallback={
        <button type="button" class="secondary" aria-label={t('connections.openai.remove', { name: props.connection.name })} onClick={() => setAsking(true)}>
          {t('connections.openai.removeButton')}
        </button>
      }
    >
      <span role="alert">{t('connections.openai.removeConfirm', { name: props.connection.name })}</span>{' '}
      <button type="button" class="danger" onClick={() => store.remove(props.connection.id)}>
        {t('connections.openai.removeYes')}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        {t('connections.openai.cancel')}
      </button>
    </Show>
  );
}

function ConnectionForm(props: { connection?: OpenAIConnection; onDone: (saved: OpenAIConnection | null) => void }) {
  const { t } = useI18n();
  const store = useOpenAIConnections();
  const [name, setName] = createSignal(props.connection?.name ?? '');
  const [baseUrl, setBaseUrl] = createSignal(props.connection?.baseUrl ?? '');
  const [apiKey, setApiKey] = createSignal('');
  const [problem, setProblem] = createSignal<Diagnosis | null>(null);
  const [nameMissing, setNameMissing] = createSignal(false);
  const idp = props.connection?.id ?? 'new';

  const submit = () => {
    if (!name().trim()) {
      setNameMissing(true);
      return;
    }
    const pre = precheckBaseUrl(location.origin, baseUrl());
    if (pre.code === 'bad-url') {
      setProblem(pre);
      return;
    }
    if (props.connection) {
      store.update(props.connection.id, { name: name(), baseUrl: baseUrl(), ...(apiKey().trim() ? { apiKey: apiKey() } : {}) });
      props.onDone(store.byId(props.connection.id) ?? null);
    } else props.onDone(store.add({ name: name(), baseUrl: baseUrl(), apiKey: apiKey() }));
  };

  return (
    <form
      class="openai-form"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label class="field" for={`openai-name-${idp}`}>
        <span>{t('connections.openai.name')}</span>
      </label>
      <input id={`openai-name-${idp}`} type="text" autocomplete="off" value={name()} onInput={(e) => (setName(e.currentTarget.value), setNameMissing(false))} />
      <Show when={nameMissing()}>
        <p class="error" role="alert">
          {t('connections.openai.nameRequired')}
        </p>
      </Show>
      <label class="field" for={`openai-url-${idp}`}>
        <span>{t('connections.openai.baseUrl')}</span>
      </label>
      <input
        id={`openai-url-${idp}`}
        type="text"
        inputmode="url"
        autocomplete="off"
        autocapitalize="off"
        spellcheck={false}
        placeholder={t('connections.openai.baseUrlPlaceholder')}
        value={baseUrl()}
        onInput={(e) => (setBaseUrl(e.currentTarget.value), setProblem(null))}
      />
      <label class="field" for={`openai-key-${idp}`}>
        <span>{t('connections.openai.apiKey')}</span>
      </label>
      <input
        id={`openai-key-${idp}`}
        type="password"
        autocomplete="off"
        spellcheck={false}
        aria-describedby={`openai-key-help-${idp}`}
        placeholder={props.connection?.apiKey ? `${maskKey(props.connection.apiKey)} — ${t('connections.openai.keepKey')}` : ''}
        value={apiKey()}
        onInput={(e) => setApiKey(e.currentTarget.value)}
      />
      <p class="help" id={`openai-key-help-${idp}`}>
        {t('connections.openai.apiKeyHelp')}
      </p>
      <Show when={problem()}>{(d) => <DiagnosisMessage diagnosis={d()} />}</Show>
      <div class="row">
        <button type="submit">{t('connections.openai.save')}</button>
        <button type="button" class="secondary" onClick={() => props.onDone(null)}>
          {t('connections.openai.cancel')}
        </button>
      </div>
    </form>
  );
}
