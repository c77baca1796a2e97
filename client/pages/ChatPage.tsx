import { useI18n } from '../i18n/context.tsx';

export default function ChatPage() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="chat-title">
      <h1 id="chat-title">{t('chat.title')}</h1>
      <p>{t('chat.coming')}</p>
    </section>
  );
}
