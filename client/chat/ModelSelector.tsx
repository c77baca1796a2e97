import { createMemo, createSignal, For, onCleanup, Show, type JSX } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspace } from '../repo/workspace-context.tsx';
import { presetTags } from '../../shared/schema/index.ts';
import { usePresets } from '../models/presets-context.tsx';
import { Avatar } from '../models/Avatar.tsx';
import { ollamaRef, openaiRef, parseOpenAIRef, presetRef, type ModelRef } from './model-ref.ts';

/**
 * The chat's model picker: presets (hidden ones left out, tags next to the name, capability
 * badges) and the models installed in Ollama, searchable. `extra` renders under the list
 * with the current query (the pull offer lives there). `label` names the button when there
 * are several pickers ("Model 2"); its accessible name also says what is selected.
 */
export function ModelSelector(props: {
  value: ModelRef | null;
  onSelect: (ref: ModelRef) => void;
  extra?: (query: string) => JSX.Element;
  label?: string;
}) {
  const { t } = useI18n();
  const { ollamaModels, openai } = useWorkspace();
  const presets = usePresets();
  const [open, setOpen] = createSignal(false);
  const [query, setQuery] = createSignal('');
  const q = () => query().trim().toLowerCase();

  const presetOptions = createMemo(() =>
    presets
      .live()
      .map((p) => ({ id: p.id, doc: p.doc() }))
      .filter((p) => p.doc && !p.doc.hidden)
      .filter((p) => {
        const d = p.doc;
        if (!d || !q()) return true;
        return d.name.toLowerCase().includes(q()) || d.slug.includes(q()) || presetTags(d).some((tg) => tg.toLowerCase().includes(q()));
      }),
  );
  const baseOptions = createMemo(() => ollamaModels.models().filter((m) => !q() || m.name.toLowerCase().includes(q())));
  // OpenAI-compatible connections of this device, one group each (their last known models)
  const openaiGroups = createMemo(() =>
    openai
      .connections()
      .map((c) => ({ id: c.id, name: c.name, models: openai.modelsOf(c.id).filter((m) => !q() || m.toLowerCase().includes(q()) || c.name.toLowerCase().includes(q())) }))
      .filter((g) => g.models.length > 0),
  );

  const label = createMemo(() => {
    const v = props.value;
    if (!v) return t('chat.selectModel');
    if (v.startsWith('preset:')) return presets.byId(v.slice(7))?.doc()?.name ?? v.slice(7);
    const oa = parseOpenAIRef(v);
    if (oa) return oa.model;
    return v.slice(7);
  });

  const choose = (ref: ModelRef) => {
    props.onSelect(ref);
    setOpen(false);
    setQuery('');
  };

  // a click elsewhere closes the panel
  let root: HTMLDivElement | undefined;
  const onDocClick = (e: MouseEvent) => {
    if (open() && root && !root.contains(e.target as Node)) setOpen(false);
  };
  document.addEventListener('mousedown', onDocClick);
  onCleanup(() => document.removeEventListener('mousedown', onDocClick));

  const buttonName = () => {
    const prefix = props.label ?? t('chat.selector');
    return props.value ? `${prefix}: ${label()}` : `${prefix}: ${t('chat.selectModel')}`;
  };

  return (
    <div class="model-selector" ref={root}>
      <button type="button" class="selector-button" aria-haspopup="listbox" aria-expanded={open()} aria-label={buttonName()} onClick={() => setOpen(!open())}>
        <span class="selector-label">{label()}</span> ▾
      </button>
      <Show when={open()}>
        <div class="selector-panel">
          <input
            type="search"
            aria-label={t('chat.searchModels')}
            value={query()}
            autofocus
            onInput={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                // only close the panel: the chat's Escape (stop) ignores handled keys
                e.preventDefault();
                setOpen(false);
              }
            }}
          />
          <ul role="listbox" aria-label={t('chat.selector')}>
            <Show when={presetOptions().length > 0}>
              <li role="presentation" class="group-label">
                {t('chat.presetsGroup')}
              </li>
            </Show>
            <For each={presetOptions()}>
              {(p) => (
                <li
                  role="option"
                  tabIndex={0}
                  aria-selected={props.value === presetRef(p.id)}
                  onClick={() => choose(presetRef(p.id))}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      choose(presetRef(p.id));
                    }
                  }}
                >
                  <Avatar url={p.doc?.avatar ?? null} name={p.doc?.name ?? ''} size={24} />
                  <span class="option-name">{p.doc?.name}</span>
                  <For each={p.doc ? presetTags(p.doc) : []}>{(tg) => <span class="tag">{tg}</span>}</For>
                  <Show when={p.doc?.vision}>
                    <span class="badge">{t('chat.visionBadge')}</span>
                  </Show>
                </li>
              )}
            </For>
            <Show when={baseOptions().length > 0}>
              <li role="presentation" class="group-label">
                {t('chat.baseGroup')}
              </li>
            </Show>
            <For each={baseOptions()}>
              {(m) => (
                <li
                  role="option"
                  tabIndex={0}
                  aria-selected={props.value === ollamaRef(m.name)}
                  onClick={() => choose(ollamaRef(m.name))}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      choose(ollamaRef(m.name));
                    }
                  }}
                >
                  <span class="option-name">{m.name}</span>
                  <For each={m.capabilities.filter((c) => c !== 'completion')}>{(c) => <span class="badge">{c}</span>}</For>
                </li>
              )}
            </For>
            <For each={openaiGroups()}>
              {(g) => (
                <>
                  <li role="presentation" class="group-label">
                    {g.name}
                  </li>
                  <For each={g.models}>
                    {(m) => (
                      <li
                        role="option"
                        tabIndex={0}
                        aria-selected={props.value === openaiRef(g.id, m)}
                        onClick={() => choose(openaiRef(g.id, m))}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter' || e.key === ' ') {
                            e.preventDefault();
                            choose(openaiRef(g.id, m));
                          }
                        }}
                      >
                        <span class="option-name">{m}</span>
                        <Show when={openai.isVision(g.id, m)}>
                          <span class="badge">{t('chat.visionBadge')}</span>
                        </Show>
                      </li>
                    )}
                  </For>
                </>
              )}
            </For>
            <Show when={presetOptions().length === 0 && baseOptions().length === 0 && openaiGroups().length === 0}>
              <li role="presentation" class="help">
                {t('chat.noModels')}
              </li>
            </Show>
          </ul>
          {props.extra?.(query())}
        </div>
      </Show>
    </div>
  );
}
