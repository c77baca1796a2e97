import { createSignal, Show } from 'solid-js';
import { useI18n } from '../i18n/context.tsx';
import { useWorkspace } from '../repo/workspace-context.tsx';
import { normaliseRelayUrl, sameOriginRelay } from '../repo/relay-url.ts';
import { parsePairingLink, type PairingInfo } from '../sync/pairing-link.ts';
import { pairDevice, type PairResult } from '../sync/pair-device.ts';

/** Pair this device: paste a pairing link, or give the relay address and a token. */
export function PairForm(props: { initial?: PairingInfo | null; onPaired?: () => void; onResult?: (r: { text: string; ok: boolean }) => void }) {
  const { t } = useI18n();
  const { repo, device } = useWorkspace();
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<string | null>(null);

  const explain = (r: PairResult, relay: string): string => {
    if (r.ok) return t('sync.paired');
    if (r.reason === 'refused') return t('sync.badToken');
    return t('sync.unreachable', { url: relay });
  };

  const run = async (info: PairingInfo | null) => {
    if (!info) {
      setMessage(t('sync.badLink'));
      return;
    }
    setBusy(true);
    setMessage(t('sync.pairing'));
    const r = await pairDevice(repo, device, info);
    setBusy(false);
    setMessage(explain(r, info.relay));
    props.onResult?.({ text: explain(r, info.relay), ok: r.ok });
    if (r.ok) props.onPaired?.();
  };

  return (
    <div class="pair-forms">
      <Show when={props.initial}>
        {(i) => (
          <button type="button" class="primary" disabled={busy()} onClick={() => void run(i())}>
            {t('sync.pairTitle')}
          </button>
        )}
      </Show>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const link = new FormData(e.currentTarget).get('link');
          void run(typeof link === 'string' ? parsePairingLink(link) : null);
        }}
      >
        <label class="field">
          <span>{t('sync.pasteLink')}</span>
          <input name="link" type="text" autocomplete="off" spellcheck={false} />
        </label>
        <button type="submit" disabled={busy()}>
          {t('sync.pair')}
        </button>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const relay = normaliseRelayUrl(String(f.get('relay') ?? ''));
          const token = String(f.get('token') ?? '').trim();
          void run(relay && token ? { relay, token, workspace: null } : null);
        }}
      >
        <label class="field">
          <span>{t('sync.relayUrl')}</span>
          <input name="relay" type="text" value={props.initial?.relay ?? sameOriginRelay()} spellcheck={false} />
        </label>
        <label class="field">
          <span>{t('sync.token')}</span>
          <input name="token" type="password" autocomplete="off" value={props.initial?.token ?? ''} />
        </label>
        <button type="submit" disabled={busy()}>
          {t('sync.pairWithToken')}
        </button>
      </form>
      <Show when={busy() || (message() && !props.onResult)}>
        <p role="status" class="pair-message">
          {message()}
        </p>
      </Show>
    </div>
  );
}
