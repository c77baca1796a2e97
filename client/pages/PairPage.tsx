import { useNavigate } from '@solidjs/router';
import { Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { parsePairingLink } from '../sync/pairing-link.ts';
import { PairForm } from '../components/PairForm.tsx';

/** Where a pairing link lands: confirm, then join the account's workspace. */
export function PairPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const parsed = parsePairingLink(location.hash);
  const info = parsed.ok ? parsed.info : null;
  return (
    <section aria-labelledby="pair-title">
      <h1 id="pair-title">{t('sync.pairTitle')}</h1>
      <Show when={info} fallback={<p role="alert">{t(!parsed.ok && parsed.problem === 'bad-key' ? 'sync.badKey' : 'sync.badLink')}</p>}>
        {(i) => <p>{t('sync.pairPrompt', { relay: i().relay })}</p>}
      </Show>
      <PairForm initial={info} onPaired={() => navigate('/models')} />
    </section>
  );
}
