import { createEffect, createMemo, createSignal, createUniqueId, For, onCleanup, Show, type JSX } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspaceDoc } from '../workspace/workspace-doc-context.tsx';
import { useOllamaModels } from '../ollama/known-models-context.tsx';
import { useOpenAIConnections } from '../openai/connections-context.tsx';
import { presetTags } from '../../shared/schema/index.ts';
import { matchesSearch } from '../../shared/text/search.ts';
import { usePresets } from '../models/presets-context.tsx';
import { Avatar } from '../models/Avatar.tsx';
import { ollamaRef, openaiRef, parseOpenAIRef, presetRef, type ModelRef } from '../../shared/chat/model-ref.ts';

/** One choice of the list, whatever its group: what it selects and how it looks. */
interface Choice {
  ref: ModelRef;
  name: string;
  render: () => JSX.Element;
}

interface Group {
  key: string;
  label: string;
  choices: Choice[];
}

/**
 * The chat's model picker: presets in the person's order (hidden and disabled ones left out,
 * pinned ones first, grouped by tag when the workspace says so, tags next to the name, capability
 * badges) and the models installed in Ollama, searchable (accents and case aside). A WAI-ARIA
 * combobox: the search box owns the listbox (aria-controls) and points at the active option
 * (aria-activedescendant); Up/Down/Home/End move, Enter chooses, Escape closes and gives focus
 * back to the button. Focus stays in the search box throughout. `extra` renders under the list
 * with the current query (the pull offer lives there). `label` names the button when there are
 * several pickers ("Model 2"); its accessible name also says what is selected.
 */
export function ModelSelector(props: { value: ModelRef | null; onSelect: (ref: ModelRef) => void; extra?: (query: string) => JSX.Element; label?: string }) {
  const { t } = useI18n();
  const ollamaModels = useOllamaModels();
  const openai = useOpenAIConnections();
  const { workspace } = useWorkspaceDoc();
  /** a workspace setting, so it follows the person to their other devices */
  const groupByTag = () => workspace()?.doc.settings.groupByTag === true;
  const presets = usePresets();
  const id = createUniqueId();
  const listId = `model-list-${id}`;
  const optionId = (i: number) => `model-option-${id}-${i}`;
  const [open, setOpen] = createSignal(false);
  const [query, setQuery] = createSignal('');
  /** index into `flat()` of the option the keys act on; -1 when there is none */
  const [active, setActive] = createSignal(-1);

  const groups = createMemo<Group[]>(() => {
    const q = query();
    const out: Group[] = [];
    // presets in the person's order; disabled and hidden ones are not offered
    const offered = presets
      .ordered()
      .flatMap((p) => {
        const doc = p.doc();
        return doc && !doc.hidden && doc.disabled !== true && matchesSearch(q, [doc.name, doc.slug, ...presetTags(doc)]) ? [{ id: p.id, doc, pinned: p.entry()?.pinned === true }] : [];
      });
    const presetChoice = (p: (typeof offered)[number]): Choice => ({
      ref: presetRef(p.id),
      name: p.doc.name,
      render: () => (
        <>
          <Avatar url={p.doc.avatar ?? null} name={p.doc.name} size={24} />
          <span class="option-name">{p.doc.name}</span>
          <For each={presetTags(p.doc)}>{(tg) => <span class="tag">{tg}</span>}</For>
          <Show when={p.doc.vision}>
            <span class="badge">{t('chat.visionBadge')}</span>
          </Show>
        </>
      ),
    });
    const pinned = offered.filter((p) => p.pinned);
    const rest = offered.filter((p) => !p.pinned);
    if (pinned.length > 0) out.push({ key: 'pinned', label: t('chat.pinnedGroup'), choices: pinned.map(presetChoice) });
    if (groupByTag()) {
      // a preset with several tags is under each of them; those without one come last
      const tags = [...new Set(rest.flatMap((p) => presetTags(p.doc)))].sort((a, b) => a.localeCompare(b));
      tags.forEach((tg, i) =>
        out.push({ key: `tag-${i}`, label: tg, choices: rest.filter((p) => tg in p.doc.tags).map(presetChoice) }),
      );
      const untagged = rest.filter((p) => presetTags(p.doc).length === 0);
      if (untagged.length > 0) out.push({ key: 'untagged', label: t('chat.untaggedGroup'), choices: untagged.map(presetChoice) });
    } else if (rest.length > 0) out.push({ key: 'presets', label: t('chat.presetsGroup'), choices: rest.map(presetChoice) });
    const base = ollamaModels
      .models()
      .filter((m) => matchesSearch(q, [m.name]))
      .map(
        (m): Choice => ({
          ref: ollamaRef(m.name),
          name: m.name,
          render: () => (
            <>
              <span class="option-name">{m.name}</span>
              <For each={m.capabilities.filter((c) => c !== 'completion')}>{(c) => <span class="badge">{c}</span>}</For>
            </>
          ),
        }),
      );
    if (base.length > 0) out.push({ key: 'ollama', label: t('chat.baseGroup'), choices: base });
    // OpenAI-compatible connections of this device, one group each (their last known models)
    for (const c of openai.connections()) {
      const models = openai.modelsOf(c.id).filter((m) => matchesSearch(q, [m, c.name]));
      if (models.length === 0) continue;
      out.push({
        key: `openai-${c.id}`,
        label: c.name,
        choices: models.map((m) => ({
          ref: openaiRef(c.id, m),
          name: m,
          render: () => (
            <>
              <span class="option-name">{m}</span>
              <Show when={openai.isVision(c.id, m)}>
                <span class="badge">{t('chat.visionBadge')}</span>
              </Show>
            </>
          ),
        })),
      });
    }
    return out;
  });
  /** every option in list order: keyboard moves walk this */
  const flat = createMemo(() => groups().flatMap((g) => g.choices));
  const indexOf = (ref: ModelRef) => flat().findIndex((c) => c.ref === ref);

  const label = createMemo(() => {
    const v = props.value;
    if (!v) return t('chat.selectModel');
    if (v.startsWith('preset:')) return presets.byId(v.slice(7))?.doc()?.name ?? v.slice(7);
    const oa = parseOpenAIRef(v);
    if (oa) return oa.model;
    return v.slice(7);
  });

  let root: HTMLDivElement | undefined;
  let button: HTMLButtonElement | undefined;

  const openPanel = () => {
    setQuery('');
    setOpen(true);
    setActive(props.value ? Math.max(0, indexOf(props.value)) : flat().length > 0 ? 0 : -1);
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    setQuery('');
    if (refocus) button?.focus();
  };
  const choose = (ref: ModelRef) => {
    props.onSelect(ref);
    close(true);
  };

  // the first match becomes active as the query narrows the list
  const onQuery = (value: string) => {
    setQuery(value);
    setActive(flat().length > 0 ? 0 : -1);
  };

  // keep the active option in view (the list scrolls, the focus stays in the search box)
  createEffect(() => {
    const i = active();
    if (!open() || i < 0) return;
    document.getElementById(optionId(i))?.scrollIntoView({ block: 'nearest' });
  });

  const onKeyDown = (e: KeyboardEvent) => {
    const n = flat().length;
    const move = (i: number) => {
      e.preventDefault();
      if (n > 0) setActive(Math.min(n - 1, Math.max(0, i)));
    };
    switch (e.key) {
      case 'ArrowDown':
        return move(active() + 1);
      case 'ArrowUp':
        return move(active() - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(n - 1);
      case 'Enter': {
        const c = flat()[active()];
        if (!c) return; // nothing to choose: Enter stays with the box (e.g. the pull offer below)
        e.preventDefault();
        choose(c.ref);
        return;
      }
      case 'Escape':
        // only close the panel: the chat's Escape (stop) ignores handled keys
        e.preventDefault();
        close(true);
        return;
    }
  };

  // a click elsewhere closes the panel
  const onDocClick = (e: MouseEvent) => {
    if (open() && root && !root.contains(e.target as Node)) close(false);
  };
  document.addEventListener('mousedown', onDocClick);
  onCleanup(() => document.removeEventListener('mousedown', onDocClick));

  const buttonName = () => `${props.label ?? t('chat.selector')}: ${props.value ? label() : t('chat.selectModel')}`;
  const groupOffset = (g: number) => groups().slice(0, g).reduce((sum, x) => sum + x.choices.length, 0);

  return (
    <div class="model-selector" ref={root}>
      <button
        type="button"
        class="selector-button"
        ref={button}
        aria-haspopup="listbox"
        aria-expanded={open()}
        aria-label={buttonName()}
        onClick={() => (open() ? close(false) : openPanel())}
      >
        <span class="selector-label">{label()}</span> ▾
      </button>
      <Show when={open()}>
        <div class="selector-panel">
          <input
            type="text"
            role="combobox"
            aria-label={t('chat.searchModels')}
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={active() >= 0 && flat()[active()] ? optionId(active()) : undefined}
            autocomplete="off"
            spellcheck={false}
            value={query()}
            ref={(el) => queueMicrotask(() => el.focus())}
            onInput={(e) => onQuery(e.currentTarget.value)}
            onKeyDown={onKeyDown}
          />
          <div role="listbox" id={listId} aria-label={t('chat.selector')} class="selector-list">
            <For each={groups()}>
              {(g, gi) => (
                <div role="group" aria-labelledby={`${listId}-${g.key}`}>
                  <div role="presentation" class="group-label" id={`${listId}-${g.key}`}>
                    {g.label}
                  </div>
                  <For each={g.choices}>
                    {(c, ci) => {
                      const index = () => groupOffset(gi()) + ci();
                      return (
                        <div
                          role="option"
                          id={optionId(index())}
                          aria-selected={active() === index()}
                          aria-current={props.value === c.ref ? 'true' : undefined}
                          classList={{ active: active() === index(), current: props.value === c.ref }}
                          // keep the focus in the search box: a click chooses, it does not focus the option
                          onMouseDown={(e) => e.preventDefault()}
                          onMouseMove={() => setActive(index())}
                          onClick={() => choose(c.ref)}
                        >
                          {c.render()}
                        </div>
                      );
                    }}
                  </For>
                </div>
              )}
            </For>
          </div>
          <Show when={presets.allTags().length > 0}>
            <label class="group-toggle">
              <input
                type="checkbox"
                checked={groupByTag()}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  workspace()?.change((d) => {
                    d.settings.groupByTag = on;
                  });
                }}
              />
              <span>{t('chat.groupByTag')}</span>
            </label>
          </Show>
          <Show when={flat().length === 0}>
            <p class="help" role="status">
              {t('chat.noModels')}
            </p>
          </Show>
          {props.extra?.(query())}
        </div>
      </Show>
    </div>
  );
}
