import { createMemo, createSignal, For, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import type { PlainMessage } from '../../shared/schema/conversation.ts';
import type { Plain, PresetDoc } from '../../shared/schema/index.ts';
import { answerStatus } from '../knowledge/status.ts';
import { capabilityOn } from '../../shared/presets/capabilities.ts';
import { builtinById } from './builtins.ts';
import { createToolList } from './registry.ts';
import { runUserCode } from './sandbox-browser.ts';
import { resultText } from '../../shared/tools/sandbox.ts';
import './tools.css';

/**
 * Under an answer: retrieval progress, the tool calls (folded), the sources it was given
 * (each one opens to show the passage), and the preset's action buttons. `preset`: the preset
 * that answered (undefined for a bare model, or while it loads), given by the chat that knows them.
 */
export function AnswerExtras(props: { message: PlainMessage; content: string; done: boolean; preset: Plain<PresetDoc> | undefined }) {
  const { t } = useI18n();
  const tools = createToolList((k) => t(`tools.builtin.${k as 'clock'}`));
  const [output, setOutput] = createSignal<{ text: string; error: boolean } | null>(null);
  const status = () => answerStatus(props.message.id);
  const preset = () => props.preset;
  const actions = createMemo(() => {
    const ids = Object.keys(preset()?.actionIds ?? {});
    return tools().filter((x) => x.toolType === 'action' && ids.includes(x.id));
  });

  const runAction = async (id: string) => {
    setOutput(null);
    const item = tools().find((x) => x.id === id);
    if (!item) return;
    const b = builtinById(id);
    try {
      if (b?.act) {
        await b.act(props.content);
        setOutput({ text: t('tools.copied'), error: false });
        return;
      }
      const out = await runUserCode(item.code, { op: 'action', value: { role: 'assistant', content: props.content, model: props.message.model } }, { network: item.network });
      if (out.ok) setOutput({ text: resultText(out.value), error: false });
      else setOutput({ text: out.line ? t('tools.checkErrorLine', { line: out.line, error: out.error }) : t('tools.checkError', { error: out.error }), error: true });
    } catch (e) {
      setOutput({ text: t('tools.actionFailed', { name: item.name, error: e instanceof Error ? e.message : String(e) }), error: true });
    }
  };

  return (
    <>
      {/* the preset's "status updates" and "citations" capabilities (shared/presets/capabilities.ts) */}
      <Show when={capabilityOn(preset(), 'status_updates') && status()}>
        {(s) => {
          const line = () => {
            const p = s();
            if (p.phase === 'tool') return t('tools.calling', { name: p.name });
            return p.phase === 'embedding' ? t('knowledge.embedding', { done: p.done, total: p.total }) : t('knowledge.searching');
          };
          return (
            <p class="answer-status" role="status">
              {line()}
            </p>
          );
        }}
      </Show>
      <Show when={(props.message.toolCalls ?? []).length > 0}>
        <div class="tool-calls">
          <For each={props.message.toolCalls}>
            {(c) => (
              <details class="tool-call" classList={{ error: c.error }}>
                <summary>{c.error && !c.arguments ? t('tools.toolError', { name: c.name }) : t('tools.toolCall', { name: c.name })}</summary>
                <Show when={c.arguments}>
                  <p class="help">{t('tools.arguments')}</p>
                  <pre>{c.arguments}</pre>
                </Show>
                <p class="help">{t('tools.result')}</p>
                <pre>{c.result}</pre>
              </details>
            )}
          </For>
        </div>
      </Show>
      <Show when={capabilityOn(preset(), 'citations') && (props.message.sources ?? []).length > 0}>
        <section class="sources" aria-label={t('knowledge.sources')}>
          <h4>{t('knowledge.sources')}</h4>
          <ol>
            <For each={props.message.sources}>
              {(s) => (
                <li>
                  <details class="source">
                    <summary>{t('knowledge.sourceOf', { n: s.n, name: s.name })}</summary>
                    <pre class="source-text">{s.text}</pre>
                  </details>
                </li>
              )}
            </For>
          </ol>
        </section>
      </Show>
      <Show when={props.done && actions().length > 0}>
        <div class="row-actions answer-actions">
          <For each={actions()}>
            {(a) => (
              <button type="button" class="secondary small" onClick={() => void runAction(a.id)}>
                {a.name}
              </button>
            )}
          </For>
        </div>
      </Show>
      <Show when={output()}>
        {(o) => (
          <p class={o().error ? 'error action-output' : 'action-output'} role="status">
            {o().text}
          </p>
        )}
      </Show>
    </>
  );
}
