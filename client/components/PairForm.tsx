import { createSignal, Show } from 'solid-js';
import { decodeKey } from '../../shared/sync/chunk-crypto.ts';
import { useI18n } from '../i18n/context.tsx';
import { useRepo } from '../repo/repo-context.tsx';
import { useDeviceSettings } from '../repo/device-settings-context.tsx';
import { useSync } from '../sync/sync-context.tsx';
import { normaliseRelayUrl, sameOriginRelay } from '../repo/relay-url.ts';
import { parsePairingLink, type PairingInfo, type ParsedPairingLink } from '../sync/pairing-link.ts';
import { pairDevice, type PairResult } from '../sync/pair-device.ts';

/**
 * Pair this device: paste a pairing link (it carries the workspace key), or give the relay
 * address and a token (and the key, for an account already in use). Bad input is answered with
 * a message and changes nothing.
 */
export function PairForm(props: { initial?: PairingInfo | null; onPaired?: () => void; onResult?: (r: { text: string; ok: boolean }) => void }) {
  const { t } = useI18n();
  const { repo } = useRepo();
  const device = useDeviceSettings();
  const { status: syncStatus, bundleProgress } = useSync();
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<{ text: string; ok: boolean } | null>(null);

  const explain = (r: PairResult, relay: string): string => {
    if (r.ok) return t('sync.paired');
    switch (r.reason) {
      case 'refused':
        return t('sync.badToken');
      case 'key-mismatch':
        return t('sync.needKey');
      case 'timeout':
        return t('sync.timeout');
      case 'bad-response':
        return t('sync.badResponse', { url: relay });
      case 'unreachable':
        return t('sync.unreachable', { url: relay });
    }
  };

  const tell = (m: { text: string; ok: boolean }) => {
    setMessage(m);
    props.onResult?.(m);
  };

  const run = async (parsed: ParsedPairingLink) => {
    if (!parsed.ok) return tell({ text: t(parsed.problem === 'bad-key' ? 'sync.badKey' : 'sync.badLink'), ok: false });
    setBusy(true);
    setMessage({ text: t('sync.pairing'), ok: true });
    const r = await pairDevice(repo, device, parsed.info, () => `${syncStatus()} ${bundleProgress()?.stored ?? ''}`);
    setBusy(false);
    tell({ text: explain(r, parsed.info.relay), ok: r.ok });
    if (r.ok) props.onPaired?.();
  };

  const fromFields = (f: FormData): ParsedPairingLink => {
    const relay = normaliseRelayUrl(String(f.get('relay') ?? ''));
    const token = String(f.get('token') ?? '').trim();
    const keyText = String(f.get('key') ?? '').trim();
    if (!relay || !token) return { ok: false, problem: 'not-a-link' };
    const key = keyText ? decodeKey(keyText) : null;
    if (keyText && !key) return { ok: false, problem: 'bad-key' };
    return { ok: true, info: { relay, token, workspace: null, key } };
  };

  return (
    <div class="pair-forms">
      <Show when={props.initial}>
        {(i) => (
          <button type="button" class="primary" disabled={busy()} onClick={() => void run({ ok: true, info: i() })}>
            {t('sync.pairTitle')}
          </button>
        )}
      </Show>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const link = new FormData(e.currentTarget).get('link');
          void run(parsePairingLink(typeof link === 'string' ? link : ''));
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
          void run(fromFields(new FormData(e.currentTarget)));
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
        <label class="field">
          <span>{t('sync.keyField')}</span>
          <input name="key" type="password" autocomplete="off" spellcheck={false} aria-describedby="pair-key-help" />
        </label>
        <p id="pair-key-help" class="help">
          {t('sync.keyFieldHelp')}
        </p>
        <button type="submit" disabled={busy()}>
          {t('sync.pairWithToken')}
        </button>
      </form>
      <Show when={busy() || (message() && !props.onResult)}>
        <p role={message()?.ok === false ? 'alert' : 'status'} class="pair-message" classList={{ error: message()?.ok === false }}>
          {message()?.text}
        </p>
      </Show>
    </div>
  );
}
