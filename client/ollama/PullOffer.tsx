/**
 * Under the chat model selector: when the search box holds `ollama run hf.co/<creator>/<model>[:quant]`,
 * `ollama pull …`, a model URL, or a bare name that is not installed, offers `Pull "<name>"`; the pull
 * runs in the app-wide pull manager and its progress shows here, in place.
 *
 *   <ModelSelector … extra={(query) => <PullOffer query={query} />} />
 */
import { createMemo, onMount, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspace } from '../repo/workspace-context.tsx';
import { parsePullInput, sameModelName } from '../../shared/ollama/pull-name.ts';
import { usePulls } from './pulls-context.tsx';
import { PullProgressRow } from './PullProgressRow.tsx';
import './connections.css';

/** `ollama run x`, `ollama pull x` or a URL: the person clearly asks for that model. */
function isExplicit(query: string): boolean {
  return /^\s*(?:[$>#%]\s+)?ollama\s+(?:run|pull)\s/i.test(query) || /^\s*https?:\/\//i.test(query);
}

export function PullOffer(props: { query: string }) {
  const { t } = useI18n();
  const { ollamaModels } = useWorkspace();
  const pulls = usePulls();
  // Opening the selector is a good moment to learn what Ollama has now (at most once a minute).
  onMount(() => pulls.installed.refreshIfStale());

  const name = createMemo(() => parsePullInput(props.query));
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
                <Show when={isExplicit(props.query)}>
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
