import { createSignal, For, Show } from 'solid-js';
import { updateText } from '@automerge/automerge-repo';
import { useI18n } from '../i18n/context.tsx';
import { useRepo } from '../repo/repo-context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { addToolEntry, initialTool, moveToTrash, newId, type ToolDoc, type ToolType } from '../../shared/schema/index.ts';
import { DEFAULT_TIME_LIMIT_MS, type SandboxDescription } from '../../shared/tools/sandbox.ts';
import { grantText, parseOriginsText, storedGrant, type NetworkGrant } from '../../shared/tools/network.ts';
import { openDoc } from '../repo/open-doc.ts';
import { BUILTINS } from './builtins.ts';
import { createToolList, type ToolItem } from './registry.ts';
import { runUserCode } from './sandbox-browser.ts';
import { TEMPLATES } from './templates.ts';

const TYPES: ToolType[] = ['tool', 'filter', 'action'];

interface Draft {
  id: string | null;
  name: string;
  toolType: ToolType;
  code: string;
  /** "Allow network access" ticked */
  network: boolean;
  /** the origins field as typed */
  origins: string;
}

/** The draft's grant, or the message that says why it cannot be saved. */
function draftGrant(d: Draft): { grant: NetworkGrant | null } | { bad: string } | { empty: true } {
  if (!d.network) return { grant: null };
  const parsed = parseOriginsText(d.origins);
  if (parsed.ok) return { grant: parsed.grant };
  return 'bad' in parsed ? { bad: parsed.bad } : { empty: true };
}

function sameGrant(a: NetworkGrant | null, b: NetworkGrant | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Settings › Tools: the built-ins, and the workspace's own tools, filters and actions (synced documents). */
export function ToolsSettings() {
  const { t } = useI18n();
  const { repo, saves } = useRepo();
  const { workspace, readOnly } = useWorkspaceDoc();
  const [version, setVersion] = createSignal(0);
  const list = createToolList((k) => t(`tools.builtin.${k as 'clock'}`), version);
  const [draft, setDraft] = createSignal<Draft | null>(null);
  const [check, setCheck] = createSignal<{ text: string; error: boolean } | null>(null);
  const mine = () => list().filter((x) => !x.builtin);

  const startNew = (toolType: ToolType = 'tool', code = TEMPLATES.tool, name = '') => {
    setCheck(null);
    setDraft({ id: null, name, toolType, code, network: false, origins: '' });
  };
  const edit = (item: ToolItem) => {
    setCheck(null);
    setDraft({ id: item.id, name: item.name, toolType: item.toolType, code: item.code, network: item.network !== null, origins: grantText(item.network) });
  };

  const runCheck = async (d: Draft) => {
    const out = await runUserCode(d.code, { op: 'describe' });
    if (!out.ok) {
      setCheck({ text: out.line ? t('tools.checkErrorLine', { line: out.line, error: out.error }) : t('tools.checkError', { error: out.error }), error: true });
      return false;
    }
    const v = out.value as SandboxDescription;
    const what = [...v.tools.map((f) => f.name), v.inlet ? 'inlet' : '', v.outlet ? 'outlet' : '', v.action ? 'action' : ''].filter(Boolean).join(', ');
    setCheck({ text: t('tools.checkOk', { what: what || '—' }), error: false });
    return true;
  };

  const save = async () => {
    const d = draft();
    const ws = workspace();
    if (!d || !ws || !d.name.trim()) return;
    const g = draftGrant(d);
    if (!('grant' in g)) {
      setCheck({ text: 'bad' in g ? t('tools.networkBadOrigin', { entry: g.bad }) : t('tools.networkEmpty'), error: true });
      return;
    }
    const grant = g.grant;
    await runCheck(d);
    const now = Date.now();
    if (d.id === null) {
      const id = newId();
      const handle = repo.create<ToolDoc>(initialTool({ id, toolType: d.toolType, name: d.name.trim(), code: d.code, network: grant }, now));
      ws.change((w) => addToolEntry(w, id, handle.url, now));
      void repo.flush([handle.documentId, ws.handle.documentId]).catch(saves.report);
      setDraft({ ...d, id });
    } else {
      const entry = ws.doc.tools?.[d.id];
      if (!entry) return;
      const opened = await openDoc<ToolDoc>(repo, entry.url, 'atelier/tool');
      if (opened.status !== 'ok') return;
      opened.handle.change((x) => {
        if (x.name !== d.name.trim()) x.name = d.name.trim();
        if (x.toolType !== d.toolType) x.toolType = d.toolType;
        updateText(x, ['code'], d.code);
        if (!sameGrant(storedGrant(x.network), grant)) {
          if (grant) x.network = { all: grant.all, origins: [...grant.origins] };
          else delete x.network;
        }
        x.updatedAt = now;
      });
      setVersion((n) => n + 1);
    }
  };

  const remove = (item: ToolItem) => {
    if (!confirm(t('tools.deleteConfirm', { name: item.name }))) return;
    workspace()?.change((w) => moveToTrash(w.tools?.[item.id]));
    if (draft()?.id === item.id) setDraft(null);
  };

  const importFile = async (files: ArrayLike<File> | null) => {
    const f = files?.[0];
    if (!f) return;
    const code = await f.text();
    const type: ToolType = /\bfunction\s+(inlet|outlet)\b/.test(code) ? 'filter' : /\bfunction\s+action\b/.test(code) ? 'action' : 'tool';
    startNew(type, code, f.name.replace(/\.(m?js|ts)$/i, ''));
  };

  return (
    <section aria-labelledby="tools-settings-title">
      <h2 id="tools-settings-title">{t('tools.title')}</h2>
      <p class="help">{t('tools.intro', { s: DEFAULT_TIME_LIMIT_MS / 1000 })}</p>
      <h3>{t('tools.builtins')}</h3>
      <ul class="tool-list">
        <For each={BUILTINS}>
          {(b) => (
            <li>
              <strong>{t(`tools.builtin.${b.key}`)}</strong> <span class="badge">{t(`tools.kind.${b.toolType}`)}</span>
              <p class="help">{t(`tools.builtinHelp.${b.key}`)}</p>
            </li>
          )}
        </For>
      </ul>
      <h3>{t('tools.yours')}</h3>
      <Show when={mine().length > 0} fallback={<p class="help">{t('tools.none')}</p>}>
        <ul class="tool-list" aria-label={t('tools.yours')}>
          <For each={mine()}>
            {(item) => (
              <li aria-label={item.name}>
                <strong>{item.name}</strong> <span class="badge">{t(`tools.kind.${item.toolType}`)}</span>{' '}
                <Show when={item.network}>
                  <span class="badge">{t('tools.networkBadge')}</span>{' '}
                </Show>
                <button type="button" class="secondary small" onClick={() => edit(item)}>
                  {t('tools.edit')}
                </button>{' '}
                <button type="button" class="danger small" disabled={readOnly()} onClick={() => remove(item)}>
                  {t('tools.delete')}
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="row-actions">
        <button type="button" disabled={readOnly()} onClick={() => startNew()}>
          {t('tools.newItem')}
        </button>
        <label class="button-like secondary">
          {t('tools.importFile')}
          <input
            class="visually-hidden"
            type="file"
            accept=".js,.mjs,text/javascript"
            onChange={(e) => {
              const files = [...(e.currentTarget.files ?? [])];
              // emptied, so that choosing the same file again is a change too
              e.currentTarget.value = '';
              void importFile(files);
            }}
          />
        </label>
      </div>
      <Show when={draft()}>
        {(d) => (
          <form
            class="tool-editor"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <label class="field">
              <span>{t('tools.name')}</span>
              <input required value={d().name} onInput={(e) => setDraft({ ...d(), name: e.currentTarget.value })} />
            </label>
            <label class="field">
              <span>{t('tools.type')}</span>
              <select
                value={d().toolType}
                onChange={(e) => {
                  const type = e.currentTarget.value as ToolType;
                  const untouched = TYPES.some((x) => TEMPLATES[x] === d().code);
                  setDraft({ ...d(), toolType: type, code: untouched ? TEMPLATES[type] : d().code });
                }}
              >
                <For each={TYPES}>{(x) => <option value={x}>{t(`tools.kind.${x}`)}</option>}</For>
              </select>
            </label>
            <label class="field">
              <span>{t('tools.code')}</span>
              <textarea class="code" rows="16" spellcheck={false} value={d().code} onInput={(e) => setDraft({ ...d(), code: e.currentTarget.value })} />
            </label>
            <label class="check">
              <input type="checkbox" checked={d().network} onChange={(e) => setDraft({ ...d(), network: e.currentTarget.checked })} />
              <span>{t('tools.networkAllow')}</span>
            </label>
            <Show when={d().network}>
              <label class="field">
                <span>{t('tools.networkOrigins')}</span>
                <textarea
                  class="code"
                  rows="3"
                  spellcheck={false}
                  aria-describedby="tool-network-help"
                  value={d().origins}
                  onInput={(e) => setDraft({ ...d(), origins: e.currentTarget.value })}
                />
              </label>
              <p class="help" id="tool-network-help">
                {t('tools.networkHelp')}
              </p>
            </Show>
            <div class="row-actions">
              <button type="submit" disabled={readOnly()}>
                {t('tools.save')}
              </button>
              <button type="button" class="secondary" onClick={() => void runCheck(d())}>
                {t('tools.check')}
              </button>
            </div>
            <Show when={check()}>
              {(c) => (
                <p class={c().error ? 'error' : 'help'} role={c().error ? 'alert' : 'status'}>
                  {c().text}
                </p>
              )}
            </Show>
          </form>
        )}
      </Show>
    </section>
  );
}
