import { createEffect, createMemo, createSignal, Show } from 'solid-js';
import { useI18n } from '../../i18n/context.tsx';
import { useDeviceSettings } from '../../repo/device-settings-context.tsx';
import { useSync } from '../../sync/sync-context.tsx';
import { makePairingLink } from '../../sync/pairing-link.ts';
import type { SyncStatus } from '../../sync/sync-status.ts';
import { deviceWorkspaceKey } from '../../sync/workspace-key.ts';
import { PairForm } from '../../components/PairForm.tsx';

/** Statuses that need more words than the indicator has room for: why, and what to do. */
type ExplainedStatus = Extract<SyncStatus, 'refused' | 'limit' | 'too-many' | 'key-mismatch' | 'offline'>;
const EXPLAINED: readonly SyncStatus[] = ['refused', 'limit', 'too-many', 'key-mismatch', 'offline'] satisfies readonly ExplainedStatus[];
const isExplained = (s: SyncStatus): s is ExplainedStatus => EXPLAINED.includes(s);

export function SyncSettings() {
  const { t, locale } = useI18n();
  const device = useDeviceSettings();
  const sync = useSync();
  const { status: syncStatus } = sync;
  const [copied, setCopied] = createSignal(false);
  // Kept here: the form that produced it is replaced by the paired view as soon as pairing starts.
  const [result, setResult] = createSignal<{ text: string; ok: boolean } | null>(null);
  const key = createMemo(() => deviceWorkspaceKey(device.settings));
  // The link carries the key (fragment only): a device opening it can read the workspace.
  const link = createMemo(() => {
    const relay = device.settings.relay;
    if (!relay) return null;
    return makePairingLink(location.origin, { relay: relay.url, token: relay.token, workspace: device.settings.workspaceUrl, key: key() });
  });
  // The QR code library is fetched only when there is a link to draw (a paired device).
  const [qr, setQr] = createSignal<string | null>(null);
  createEffect(() => {
    const l = link();
    if (!l) { setQr(null); return; }
    void import('uqr').then(({ renderSVG }) => {
      if (link() === l) setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(l, { border: 2 }))}`);
    });
  });
  const lastSync = () => {
    const at = device.settings.lastSyncAt;
    return at ? new Date(at).toLocaleString(locale()) : t('sync.never');
  };
  const why = createMemo(() => {
    const s = syncStatus();
    return device.settings.relay && isExplained(s) ? s : null;
  });
  const repairing = () => why() === 'key-mismatch' || why() === 'refused';
  return (
    <section aria-labelledby="sync-title">
      <h2 id="sync-title">{t('sync.title')}</h2>
      <p>{t('sync.intro')}</p>
      <Show when={result()}>
        {(r) => (
          <p role={r().ok ? 'status' : 'alert'} classList={{ error: !r().ok }}>
            {r().text}
          </p>
        )}
      </Show>
      <Show
        when={link()}
        fallback={
          <>
            <p>{t('sync.notPaired')}</p>
            <PairForm onResult={setResult} />
          </>
        }
      >
        {(l) => (
          <>
            <p>{t('sync.pairedWith', { relay: device.settings.relay?.url ?? '' })}</p>
            <p>{t('sync.lastSync', { when: lastSync() })}</p>
            <Show when={why()}>
              {(s) => (
                <p role={s() === 'offline' ? 'status' : 'alert'} classList={{ error: s() !== 'offline' }}>
                  {t(`sync.why.${s()}`)}
                </p>
              )}
            </Show>
            <p>{t('sync.encrypted')}</p>
            <Show when={syncStatus() === 'online'}>
              <p role="status">{t('sync.peers', { count: String(sync.peers()) })}</p>
            </Show>
            {/* Never merged, never silent: the person learns that something was refused, and what to check. */}
            <Show when={sync.rejected() > 0}>
              <p role="alert" class="error">
                {t('sync.rejected', { count: String(sync.rejected()) })}
              </p>
            </Show>
            <Show when={key()}>
              {(k) => (
                <>
                  <label class="field">
                    <span>{t('sync.fingerprint')}</span>
                    <input type="text" readOnly class="fingerprint" value={k().fingerprint} aria-describedby="sync-fingerprint-help" />
                  </label>
                  <p id="sync-fingerprint-help" class="help">
                    {t('sync.fingerprintHelp')}
                  </p>
                </>
              )}
            </Show>
            {/* A link from a device the relay refuses, or with a key the account does not use, would
                pair the next device into the same trouble: offer pairing here instead. */}
            <Show when={!repairing()} fallback={<PairForm onResult={setResult} />}>
              <label class="field">
                <span>{t('sync.pairingLink')}</span>
                <input type="text" readOnly value={l()} onFocus={(e) => e.currentTarget.select()} />
              </label>
              <p class="help">{t('sync.pairingLinkHelp')}</p>
              <button
                type="button"
                onClick={() => {
                  void navigator.clipboard?.writeText(l()).then(() => setCopied(true));
                }}
              >
                {copied() ? t('common.copied') : t('sync.copyLink')}
              </button>
              <Show when={qr()}>{(src) => <img class="qr" src={src()} alt={t('sync.qr')} width="240" height="240" />}</Show>
            </Show>
            <p>
              <button
                type="button"
                class="danger"
                onClick={() => {
                  if (confirm(t('sync.unpairConfirm'))) device.update({ relay: null });
                }}
              >
                {t('sync.unpair')}
              </button>
            </p>
          </>
        )}
      </Show>
    </section>
  );
}
