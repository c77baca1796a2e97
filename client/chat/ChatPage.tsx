import { createSignal } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { ModelSelector } from './ModelSelector.tsx';
import type { ModelRef } from './model-ref.ts';

export default function ChatPage() {
  const { t } = useI18n();
  const [model, setModel] = createSignal<ModelRef | null>(null);
  return (
    <section aria-labelledby="chat-title" class="chat-page">
      <h1 id="chat-title">{t('chat.title')}</h1>
      <ModelSelector value={model()} onSelect={setModel} />
      <p class="help">{t('chat.coming')}</p>
    </section>
  );
}
