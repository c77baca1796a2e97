import { createMemo, Match, Show, Switch } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { siblings } from '../../shared/chat/tree.ts';
import { tokensPerSecond } from '../../shared/chat/stats.ts';
import type { AnswerState } from '../../shared/chat/liveness.ts';
import { DIAGNOSIS_CODES, type Diagnosis } from '../../shared/ollama/diagnose.ts';
import type { ChatMessage } from '../../shared/schema/conversation.ts';
import { DiagnosisMessage } from '../ollama/DiagnosisMessage.tsx';
import { PullOffer } from '../ollama/PullOffer.tsx';
import { Avatar } from '../models/Avatar.tsx';
import type { Chat } from './create-chat.ts';
import { liveOverStored } from './live-stream/codec.ts';
import { Markdown } from './Markdown.tsx';
import { SiblingNav } from './SiblingNav.tsx';
import { CopyButton } from './CopyButton.tsx';
import { AnswerExtras } from '../tools/AnswerExtras.tsx';
import { usePresets } from '../models/presets-context.tsx';
import { capabilityOn } from '../../shared/presets/capabilities.ts';
import { presetIdOf } from '../../shared/chat/model-ref.ts';

/** A stored diagnosis as this build understands it (a newer device may have written a code we do not know). */
/** The model Ollama says is not installed (a preset's base model, say), to offer pulling it right here. */
function notInstalled(d: Diagnosis): string | null {
  return d.code === 'model-not-found' && d.where === 'local' && d.model !== '' ? d.model : null;
}

function diagnosisOf(m: ChatMessage): Diagnosis {
  const d = m.diagnosis;
  if (d && (DIAGNOSIS_CODES as readonly string[]).includes(d.code)) return d as unknown as Diagnosis;
  return { code: 'unknown', message: m.error ?? 'error' };
}

/**
 * One answer: who wrote it, a note when pictures were left out of its request (the model does
 * not read images; shown on the first answer that left them out), its thinking (collapsed), its text as Markdown (growing while it
 * streams), then what happened: speed, stopped, failed with the diagnosis and Retry, or
 * interrupted with Continue / Regenerate. `showNav`: arrows between regenerations (single
 * answers; side-by-side columns have their own).
 */
export function AnswerView(props: { chat: Chat; id: string; state: (id: string) => AnswerState; showNav: boolean; showHeader?: boolean }) {
  const { t } = useI18n();
  const m = () => props.chat.doc()?.messages[props.id];
  const elsewhere = () => props.chat.generations.liveElsewhere(props.id);
  /** this tab's own stream, else the live text of another tab or device while it is ahead of the stored checkpoint */
  const live = () => {
    const own = props.chat.generations.live(props.id);
    if (own) return own;
    const msg = m();
    return msg ? liveOverStored(elsewhere(), msg) : undefined;
  };
  const content = () => live()?.content ?? m()?.content ?? '';
  const thinking = () => live()?.thinking ?? m()?.thinking ?? '';
  const state = () => props.state(props.id);
  const info = createMemo(() => props.chat.catalog.info(m()?.model));
  const name = () => info()?.name ?? m()?.model ?? t('chat.unknownModel');
  const presets = usePresets();
  /** the preset that answered (undefined for a bare model, or while it loads) */
  const preset = () => {
    const ref = m()?.model;
    const id = presetIdOf(ref);
    return id === null ? undefined : presets.byId(id)?.doc();
  };
  /** the preset's "usage" capability: tokens and speed from Ollama's final line (absent = on) */
  const usageOn = () => capabilityOn(preset(), 'usage');
  /** the preset's code interpreter: Run on Python blocks once the answer is complete (absent = off) */
  const codeOn = () => capabilityOn(preset(), 'code_interpreter');
  const speed = () => {
    const msg = m();
    return msg && usageOn() ? tokensPerSecond(msg.stats) : null;
  };
  const tokens = () => m()?.stats.eval_count;
  const sibs = () => {
    const d = props.chat.doc();
    return d ? siblings(d.messages, props.id) : { ids: [props.id], index: 0 };
  };
  const streaming = () => state() === 'local' || state() === 'remote';
  const writable = () => !props.chat.readOnly();

  return (
    <Show when={m()}>
      {(msg) => (
        <article class="message answer" aria-label={t('chat.answerFrom', { name: name() })} aria-busy={streaming()} data-status={msg().status}>
          <Show when={props.showHeader !== false}>
            <header class="answer-head">
              <Avatar url={info()?.avatar ?? null} name={name()} size={24} />
              <span class="answer-model">{name()}</span>
            </header>
          </Show>
          <Show when={(msg().imagesLeftOut?.length ?? 0) > 0}>
            <p class="answer-note" role="note">
              {t('chat.imagesLeftOut', { name: name(), n: msg().imagesLeftOut?.length ?? 0 })}
            </p>
          </Show>
          <Show when={thinking().trim() !== ''}>
            <details class="thinking">
              <summary>{streaming() && content() === '' ? t('chat.thinking') : t('chat.thoughts')}</summary>
              <Markdown text={thinking()} class="thinking-text" />
            </details>
          </Show>
          <Show when={content() !== ''}>
            <Markdown text={content()} class="answer-text" runCode={codeOn() && !streaming()} final={!streaming()} />
          </Show>
          <AnswerExtras message={msg()} content={content()} done={!streaming() && msg().status === 'done'} preset={preset()} />
          <Switch>
            <Match when={state() === 'local' && content() === '' && thinking() === ''}>
              <p class="answer-status" role="status">
                <span class="dots" aria-hidden="true" />
                {t('chat.waiting')}
              </p>
            </Match>
            <Match when={state() === 'remote'}>
              <p class="answer-status" role="status">
                {!elsewhere() ? t('chat.writingElsewhere') : elsewhere()?.elsewhere ? t('chat.writingLiveOnDevice') : t('chat.writingLiveInTab')}
              </p>
            </Match>
            <Match when={state() === 'interrupted'}>
              <div class="answer-problem" role="status">
                <p>{t('chat.interrupted')}</p>
                <Show when={writable()}>
                  <div class="row-actions">
                    <button type="button" onClick={() => props.chat.continueAnswer(props.id)}>
                      {t('chat.continue')}
                    </button>
                    <button type="button" class="secondary" onClick={() => props.chat.regenerate(props.id)}>
                      {t('chat.regenerate')}
                    </button>
                  </div>
                </Show>
              </div>
            </Match>
            <Match when={msg().status === 'error'}>
              <div class="answer-problem error-box" role="alert">
                <DiagnosisMessage diagnosis={diagnosisOf(msg())} />
                <Show when={notInstalled(diagnosisOf(msg()))}>{(model) => <PullOffer query={model()} exact />}</Show>
                <Show when={writable()}>
                  <button type="button" onClick={() => props.chat.retry(props.id)}>
                    {t('chat.retry')}
                  </button>
                </Show>
              </div>
            </Match>
            <Match when={msg().status === 'stopped'}>
              <p class="answer-status">{t('chat.stopped')}</p>
            </Match>
          </Switch>
          <footer class="message-actions">
            <Show when={props.showNav}>
              <SiblingNav index={sibs().index} total={sibs().ids.length} onGo={(i) => props.chat.select(sibs().ids[i] ?? props.id)} />
            </Show>
            <Show when={state() === 'local'}>
              <button type="button" class="danger small" onClick={() => props.chat.stop(props.id)}>
                {t('chat.stop')}
              </button>
            </Show>
            <Show when={!streaming()}>
              <CopyButton text={content()} label={t('chat.copyMessage')} />
              <Show when={writable() && state() !== 'interrupted'}>
                <button type="button" class="secondary small" onClick={() => props.chat.regenerate(props.id)}>
                  {t('chat.regenerate')}
                </button>
              </Show>
            </Show>
            <Show when={speed() !== null && !streaming()}>
              <span class="speed" aria-label={t('chat.usageLabel')}>
                {tokens() !== undefined
                  ? t('chat.usage', { tokens: tokens() ?? 0, n: speed() ?? 0, prompt: m()?.stats.prompt_eval_count ?? 0 })
                  : t('chat.speed', { n: speed() ?? 0 })}
              </span>
            </Show>
          </footer>
        </article>
      )}
    </Show>
  );
}
