/**
 * Under the chat model selector: when the search box holds `ollama run hf.co/<creator>/<model>[:quant]`,
 * `ollama pull …`, a model URL, or a bare name that is not installed, offers `Pull "<name>"`; the pull
 * runs in the app-wide pull manager and its progress shows here, in place.
 *
 *   <ModelSelector … extra={(query) => <PullOffer query={query} namesPreset={…} />} />
 */
import { createMemo, onMount, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useOllamaModels } from './known-models-context.tsx';
import { isExplicitPull, parsePullInput, pullOfferName, sameModelName } from '../../shared/ollama/pull-name.ts';
import { usePulls } from './pulls-context.tsx';
import { PullProgressRow } from './PullProgressRow.tsx';
import './connections.css';

/**
 * `exact`: the query is a model name as stored (a preset's base model), not something typed in a search box.
 * `namesPreset`: the typed query is a search for one of the person's presets, never a model to download
 * (the presets are a feature above this folder, so the selector that knows them says so).
 */
export function PullOffer(props: { query: string; exact?: boolean; namesPreset?: (query: string) => boolean }) {
  const { t } = useI18n();
  const ollamaModels = useOllamaModels();
  const pulls = usePulls();
  // Opening the selector is a good moment to learn what Ollama has now (at most once a minute).
  onMount(() => pulls.installed.refreshIfStale());

  const isPresetName = (query: string) => props.namesPreset?.(query) ?? false;
  const name = createMemo(() => {
    if (props.exact) return parsePullInput(props.query);
    return isExplicitPull(props.query) || !isPresetName(props.query) ? pullOfferName(props.query) : null;
  });
  const installed = createMemo(() => {
    const n = name();
    return n !== null && ollamaModels.models().some((m) => sameModelName(m.name, n));
  });
  const job = createMemo(() => {
    const n = name();
    return n === null ? undefined : pulls.jobFor(n);
  });

  return (
    <Show when={name()}>
      {(n) => (
        <Show
          when={job()}
          fallback={
            <Show when={!installed()}>
              <div class="pull-offer">
                <Show when={isExplicitPull(props.query)}>
                  <p class="help">{t('connections.pullOfferHelp')}</p>
                </Show>
                <button type="button" class="secondary" onClick={() => pulls.start(n())}>
                  {t('connections.pullOffer', { name: n() })}
                </button>
              </div>
            </Show>
          }
        >
          {(j) => (
            <div class="pull-offer">
              <PullProgressRow job={j()} as="div" />
            </div>
          )}
        </Show>
      )}
    </Show>
  );
}
