import { createMemo, createResource, createSignal, createUniqueId, For, Match, onCleanup, Show, Switch } from 'solid-js';
import * as A from '@automerge/automerge';
import type { PresetDoc } from '../../../shared/schema/index.ts';
import { deviceDirectory, renameDevice } from '../../../shared/presets/devices.ts';
import { diffRows, type DiffLine } from '../../../shared/presets/history.ts';
import { useI18n } from '../../i18n/context.tsx';
import { useWorkspaceDoc } from '../../workspace/workspace-doc-context.tsx';
import type { DocStore } from '../../store/create-doc-store.ts';
import type { PresetEditing } from '../editing.ts';
import { defaultDeviceName, thisDeviceId } from './device-identity.ts';
import { readHistory, textField, versionAt, type Version } from './read-history.ts';
import { fieldsToRestore, restoreVersion, type RestoreScope } from './restore.ts';
import { historyEn } from './strings.ts';
import './history.css';

/** Re-reading waits for typing to pause: a preset's history grows by one change per keystroke. */
const REREAD_AFTER_MS = 300;

/**
 * The history of a saved preset: every change Automerge keeps, grouped by device and time (newest
 * first), what each changed, a line diff of any two versions' system prompts, and restore as a
 * new change. Its own chunk with the diff library, loaded when the person opens it.
 */
export default function HistoryPanel(props: { store: DocStore<PresetDoc>; editing: PresetEditing; name: string }) {
  const { t, locale } = useI18n();
  const { workspace, readOnly } = useWorkspaceDoc();
  const handle = props.store.handle;
  const deviceId = thisDeviceId();
  const fallbackName = defaultDeviceName(deviceId);
  const titleId = createUniqueId();

  const [tick, setTick] = createSignal(0);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onChange = () => {
    clearTimeout(timer);
    timer = setTimeout(() => setTick((n) => n + 1), REREAD_AFTER_MS);
  };
  handle.on('change', onChange);
  onCleanup(() => {
    handle.off('change', onChange);
    clearTimeout(timer);
  });

  const dir = createMemo(() => deviceDirectory(workspace()?.doc.devices));
  const versions = createMemo<Version[]>(() => {
    tick();
    const doc = handle.doc();
    return readHistory(doc, dir(), deviceId, A.getActorId(doc));
  });

  const timeFormat = createMemo(() => new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'medium' }));
  const timeOf = (v: Version) => timeFormat().format(new Date(v.to * 1000));
  const myName = () => dir().nameOf(deviceId) ?? fallbackName;
  const deviceLabel = (v: Version) => (v.mine ? t('models.history.thisDevice', { name: myName() }) : (v.deviceName ?? t('models.history.anotherDevice')));
  const fieldName = (f: string) => (f in historyEn.field ? t(`models.history.field.${f as keyof typeof historyEn.field}`) : f);
  const summary = (v: Version) =>
    v.before.length === 0
      ? t('models.history.created')
      : v.fields.length > 0
        ? t('models.history.changed', { fields: v.fields.map(fieldName).join(', ') })
        : t('models.history.nothingChanged');

  const [message, setMessage] = createSignal<string | null>(null);
  const restore = (v: Version, scope: RestoreScope) => {
    const current = handle.doc();
    const old = versionAt(current, v.after);
    const fields = fieldsToRestore(current, old, scope);
    if (fields.length === 0) { setMessage(t('models.history.restoreSame')); return; }
    props.editing.edit('system', (d) => {
      restoreVersion(d, current, old, scope);
    });
    setMessage(t('models.history.restored', { time: timeOf(v), fields: fields.map(fieldName).join(', ') }));
  };

  const [nameNote, setNameNote] = createSignal<string | null>(null);
  const rename = (value: string) => {
    const ws = workspace();
    if (!ws || readOnly()) return;
    if (!value.trim()) { setNameNote(t('models.history.deviceNameEmpty')); return; }
    ws.change((w) => renameDevice(w, deviceId, value));
    setNameNote(t('models.history.deviceNameSaved'));
  };

  // compare: a version is picked by its last change (indexes move as new changes arrive on top)
  const [olderPick, setOlderPick] = createSignal<string | null>(null);
  const [newerPick, setNewerPick] = createSignal<string | null>(null);
  const keyOf = (v: Version) => v.after.join(',');
  const indexOf = (pick: string | null, fallback: number) => {
    const i = pick === null ? -1 : versions().findIndex((v) => keyOf(v) === pick);
    return i >= 0 ? i : Math.min(fallback, versions().length - 1);
  };
  const older = () => indexOf(olderPick(), 1);
  const newer = () => indexOf(newerPick(), 0);
  const systemOf = (i: number) => {
    const v = versions()[i];
    return v ? textField(versionAt(handle.doc(), v.after), 'system') : '';
  };
  const [rows] = createResource(
    () => ({ a: systemOf(older()), b: systemOf(newer()) }),
    async ({ a, b }): Promise<DiffLine[]> => {
      const { diffLines } = await import('diff');
      return diffRows(diffLines(a, b));
    },
  );
  const optionLabel = (v: Version) => t('models.history.entryLabel', { device: deviceLabel(v), time: timeOf(v) });
  /** one of the two pickers of the versions to compare */
  const versionSelect = (label: string, selected: () => number, pick: (key: string) => void) => (
    <label class="field">
      <span>{label}</span>
      <select onChange={(e) => pick(e.currentTarget.value)}>
        <For each={versions()}>
          {(v, i) => (
            <option value={keyOf(v)} selected={i() === selected()}>
              {optionLabel(v)}
            </option>
          )}
        </For>
      </select>
    </label>
  );

  return (
    <section class="history-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('models.history.title', { name: props.name })}</h2>
      <p class="help">{t('models.history.intro')}</p>
      <label class="field">
        <span>{t('models.history.deviceName')}</span>
        <input value={myName()} aria-describedby={`${titleId}-name-help`} disabled={readOnly()} onChange={(e) => rename(e.currentTarget.value)} />
        <small id={`${titleId}-name-help`} class="help">
          {t('models.history.deviceNameHelp')}
        </small>
      </label>
      <Show when={nameNote()}>
        <p role="status">{nameNote()}</p>
      </Show>
      <Show when={message()}>
        <p role="status">{message()}</p>
      </Show>

      <Show when={versions().length > 1}>
        <section class="history-compare" aria-labelledby={`${titleId}-compare`}>
          <h3 id={`${titleId}-compare`}>{t('models.history.compare')}</h3>
          <p class="help">{t('models.history.compareHelp')}</p>
          <div class="history-picks">
            {versionSelect(t('models.history.older'), older, setOlderPick)}
            {versionSelect(t('models.history.newer'), newer, setNewerPick)}
          </div>
          <Switch>
            <Match when={rows.error as unknown}>
              {(e) => (
                <p role="alert" class="error">
                  {t('models.history.diffFailed', { message: e() instanceof Error ? (e() as Error).message : String(e()) })}
                </p>
              )}
            </Match>
            <Match when={rows()}>
              {(list) => (
                <Show when={list().some((r) => r.kind !== 'same')} fallback={<p>{t('models.history.noDifference')}</p>}>
                  <ol class="history-diff" aria-label={t('models.history.diff')}>
                    <For each={list()}>
                      {(r) => (
                        <li class={`diff-${r.kind}`}>
                          <Switch fallback={<span>{r.text || '\u00a0'}</span>}>
                            <Match when={r.kind === 'added'}>
                              <ins>
                                <span class="visually-hidden">{t('models.history.added')} </span>
                                {r.text || '\u00a0'}
                              </ins>
                            </Match>
                            <Match when={r.kind === 'removed'}>
                              <del>
                                <span class="visually-hidden">{t('models.history.removed')} </span>
                                {r.text || '\u00a0'}
                              </del>
                            </Match>
                          </Switch>
                        </li>
                      )}
                    </For>
                  </ol>
                </Show>
              )}
            </Match>
          </Switch>
        </section>
      </Show>

      <h3 id={`${titleId}-versions`}>{t('models.history.versions')}</h3>
      <ol class="history-list" aria-labelledby={`${titleId}-versions`}>
        <For each={versions()}>
          {(v) => {
            const id = createUniqueId();
            return (
              <li aria-labelledby={id}>
                <p id={id} class="history-entry-head">
                  <strong>{deviceLabel(v)}</strong>, <time datetime={new Date(v.to * 1000).toISOString()}>{timeOf(v)}</time>
                </p>
                <p class="help">
                  {summary(v)} · {t('models.history.edits', { n: v.count })}
                </p>
                <Show when={!readOnly()}>
                  <div class="history-actions" role="group" aria-label={t('models.history.restoreOf', { device: deviceLabel(v), time: timeOf(v) })}>
                    <button type="button" class="secondary" aria-describedby={id} onClick={() => restore(v, 'system')}>
                      {t('models.history.restoreSystem')}
                    </button>
                    <button type="button" class="secondary" aria-describedby={id} onClick={() => restore(v, 'all')}>
                      {t('models.history.restoreAll')}
                    </button>
                  </div>
                </Show>
              </li>
            );
          }}
        </For>
      </ol>
    </section>
  );
}
